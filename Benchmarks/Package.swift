// swift-tools-version: 6.2
// The benchmarks live in their own package so that ordo-one/benchmark and its malloc interposer never
// enter the dependency graph of DatabaseLambda's users (as swift-nio does).
import PackageDescription

import class Foundation.ProcessInfo
import struct Foundation.URL

// A path dependency's identity is the name of its folder, which differs between clones: derive it.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let package = Package(
    name: "DatabaseLambdaBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        // `MallocInterposer` only: the default `RuntimeInterposer` trait needs a package that is not
        // available offline (../shared/test-infra.md §6a).
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        // The relay benchmark (`run.sh relay`): writers on PostgresNIO, latencies in an HdrHistogram.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "SigV4Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DBLambdaSigV4", package: rootPackage),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/SigV4Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EventsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DBLambdaEvents", package: rootPackage),
                .product(name: "DBLambdaPayload", package: rootPackage),
            ],
            path: "Benchmarks/EventsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "NetworkBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DBLambdaNetwork", package: rootPackage),
            ],
            path: "Benchmarks/NetworkBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "IAMBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DBLambdaIAM", package: rootPackage),
            ],
            path: "Benchmarks/IAMBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "InvokeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DBLambdaCore", package: rootPackage),
                .product(name: "DBLambdaCredentials", package: rootPackage),
                .product(name: "DBLambdaHTTP", package: rootPackage),
                .product(name: "DBLambdaInvoke", package: rootPackage),
            ],
            path: "Benchmarks/InvokeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain release executable, not an ordo-one benchmark: it measures a sustained pipeline (writers →
        // PostgreSQL outbox → OutboxRelay → local Lambda) for seconds at a time, run by `run.sh relay`.
        .executableTarget(
            name: "RelayBenchmark",
            dependencies: [
                .product(name: "DBLambdaCore", package: rootPackage),
                .product(name: "DBLambdaCredentials", package: rootPackage),
                .product(name: "DBLambdaHTTP", package: rootPackage),
                .product(name: "DBLambdaInvoke", package: rootPackage),
                .product(name: "DBLambdaLocal", package: rootPackage),
                .product(name: "DBLambdaRelay", package: rootPackage),
                .product(name: "DBLambdaSQL", package: rootPackage),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/RelayBenchmark"
        ),
    ]
)
