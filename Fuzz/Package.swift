// swift-tools-version: 6.2
// Coverage-guided fuzz targets (libFuzzer) for every parser of DatabaseLambda that reads outside input: one
// executable per target. A separate package, so normal builds never see them. Build and run them with
// `.ci/fuzz.sh`, which passes `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`; without those
// flags the targets do not link (see Documentation/Reliability.md).
import PackageDescription

import struct Foundation.URL

// A path dependency's identity is the name of its folder, which differs between clones: derive it.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

/// A fuzz target: an executable depending on the driver shim, the helpers and `products` of the package.
func fuzzTarget(_ name: String, _ products: [String], other: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CFuzzDriver", "FuzzSupport"] + products.map { .product(name: $0, package: rootPackage) }
            + other,
        swiftSettings: [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
    )
}

let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

let package = Package(
    name: "DatabaseLambdaFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // libFuzzer's `LLVMFuzzerRunDriver`, declared for Swift.
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport"),
        fuzzTarget("FuzzEvents", ["DBLambdaEvents"]),
        fuzzTarget("FuzzPolicy", ["DBLambdaIAM"]),
        fuzzTarget("FuzzARN", ["DBLambdaCore", "DBLambdaInvoke"]),
        fuzzTarget("FuzzNetwork", ["DBLambdaNetwork"]),
        fuzzTarget("FuzzSharedConfig", ["DBLambdaCredentials"], other: [logging]),
        fuzzTarget(
            "FuzzInvokeResponse",
            ["DBLambdaInvoke", "DBLambdaCore", "DBLambdaCredentials", "DBLambdaHTTP"],
            other: [httpTypes, logging]
        ),
        fuzzTarget("FuzzSigV4", ["DBLambdaSigV4"], other: [httpTypes]),
        fuzzTarget(
            "FuzzCLIInputs",
            ["DBLambdaSigV4", "DBLambdaEvents"],
            other: [httpTypes, .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
    ]
)
