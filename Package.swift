// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every target (see `DESIGN.md`, "Package conventions").
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Zero warnings, enforced by the compiler (SE-0480 applies this to our targets only, never to a
    // user's build of this package as a dependency).
    .treatAllWarnings(as: .error),
    // "Every public type is Sendable" as a compiler check.
    .treatWarning("ExplicitSendable", as: .error),
]

let package = Package(
    name: "DatabaseLambda",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "DBLambdaCore", targets: ["DBLambdaCore"]),
        .library(name: "DBLambdaHTTP", targets: ["DBLambdaHTTP"]),
        .library(name: "DBLambdaSigV4", targets: ["DBLambdaSigV4"]),
        .library(name: "DBLambdaCredentials", targets: ["DBLambdaCredentials"]),
        .library(name: "DBLambdaEvents", targets: ["DBLambdaEvents"]),
        .library(name: "DBLambdaPayload", targets: ["DBLambdaPayload"]),
        .library(name: "DBLambdaSQL", targets: ["DBLambdaSQL"]),
        .library(name: "DBLambdaIAM", targets: ["DBLambdaIAM"]),
        .library(name: "DBLambdaNetwork", targets: ["DBLambdaNetwork"]),
        .library(name: "DBLambdaInvoke", targets: ["DBLambdaInvoke"]),
        .library(name: "DBLambdaTesting", targets: ["DBLambdaTesting"]),
        .library(name: "DBLambdaLocal", targets: ["DBLambdaLocal"]),
        .library(name: "DatabaseLambda", targets: ["DatabaseLambda"]),
        .library(name: "DBLambdaRelay", targets: ["DBLambdaRelay"]),
        .executable(name: "dblambda", targets: ["dblambda"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: Libraries
        .target(name: "DBLambdaCore"),
        .target(
            name: "DBLambdaHTTP",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DBLambdaSigV4",
            dependencies: [
                "DBLambdaCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(
            name: "DBLambdaCredentials",
            dependencies: [
                "DBLambdaCore",
                "DBLambdaSigV4",
                "DBLambdaHTTP",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(name: "DBLambdaEvents"),
        .target(name: "DBLambdaPayload", dependencies: ["DBLambdaEvents"]),
        .target(name: "DBLambdaSQL", dependencies: ["DBLambdaEvents", "DBLambdaCore"]),
        .target(name: "DBLambdaIAM", dependencies: ["DBLambdaCore"]),
        .target(name: "DBLambdaNetwork", dependencies: ["DBLambdaCore"]),
        .target(
            name: "DBLambdaInvoke",
            dependencies: [
                "DBLambdaCore",
                "DBLambdaHTTP",
                "DBLambdaSigV4",
                "DBLambdaCredentials",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DBLambdaLocal",
            dependencies: [
                "DBLambdaCore",
                "DBLambdaSigV4",
                "DBLambdaIAM",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DBLambdaTesting",
            dependencies: [
                "DBLambdaHTTP",
                "DBLambdaInvoke",
                "DBLambdaLocal",
                "DBLambdaSigV4",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Façade
        .target(
            name: "DatabaseLambda",
            dependencies: [
                "DBLambdaCore",
                "DBLambdaEvents",
                "DBLambdaPayload",
                "DBLambdaSQL",
                "DBLambdaIAM",
                "DBLambdaNetwork",
                "DBLambdaHTTP",
                "DBLambdaSigV4",
                "DBLambdaCredentials",
                "DBLambdaInvoke",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Outbox relay
        .target(
            name: "DBLambdaRelay",
            dependencies: [
                "DatabaseLambda",
                "DBLambdaCore",
                "DBLambdaEvents",
                "DBLambdaPayload",
                "DBLambdaSQL",
                "DBLambdaInvoke",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        // MARK: Command-line tool
        .executableTarget(
            name: "dblambda",
            dependencies: [
                "DBLambdaCore",
                "DBLambdaSigV4",
                "DBLambdaCredentials",
                "DBLambdaHTTP",
                "DBLambdaEvents",
                "DBLambdaPayload",
                "DBLambdaSQL",
                "DBLambdaIAM",
                "DBLambdaNetwork",
                "DBLambdaInvoke",
                "DBLambdaLocal",
                "DatabaseLambda",
                "DBLambdaRelay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Test support (not a product)
        .target(
            name: "LoopbackHTTPServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Support/LoopbackHTTPServer"
        ),

        // MARK: Tests
        .testTarget(name: "DBLambdaCoreTests", dependencies: ["DBLambdaCore"]),
        .testTarget(
            name: "DBLambdaHTTPTests",
            dependencies: [
                "DBLambdaHTTP",
                "LoopbackHTTPServer",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DBLambdaSigV4Tests",
            dependencies: [
                "DBLambdaSigV4",
                "DBLambdaCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Fixtures", "Differential"]
        ),
        .testTarget(
            name: "DBLambdaCredentialsTests",
            dependencies: [
                "DBLambdaCredentials",
                "DBLambdaSigV4",
                "DBLambdaHTTP",
                "LoopbackHTTPServer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "DBLambdaEventsTests", dependencies: ["DBLambdaEvents"], exclude: ["Fixtures"]),
        .testTarget(name: "DBLambdaPayloadTests", dependencies: ["DBLambdaPayload", "DBLambdaEvents"]),
        .testTarget(
            name: "DBLambdaSQLTests",
            dependencies: ["DBLambdaSQL", "DBLambdaEvents", "DBLambdaCore"],
            exclude: ["Snapshots"]
        ),
        .testTarget(name: "DBLambdaIAMTests", dependencies: ["DBLambdaIAM", "DBLambdaCore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "DBLambdaNetworkTests",
            dependencies: ["DBLambdaNetwork", "DBLambdaCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "DBLambdaInvokeTests",
            dependencies: [
                "DBLambdaInvoke",
                "DBLambdaTesting",
                "DBLambdaHTTP",
                "DBLambdaSigV4",
                "DBLambdaCredentials",
                "DBLambdaCore",
                "LoopbackHTTPServer",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DBLambdaLocalTests",
            dependencies: [
                "DBLambdaLocal",
                "DBLambdaSigV4",
                "DBLambdaIAM",
                "DBLambdaCore",
                "DBLambdaInvoke",
                "DBLambdaHTTP",
                "DBLambdaTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DatabaseLambdaTests",
            dependencies: [
                "DatabaseLambda",
                "DBLambdaCore",
                "DBLambdaEvents",
                "DBLambdaIAM",
                "DBLambdaSQL",
                "DBLambdaNetwork",
                "DBLambdaInvoke",
                "DBLambdaTesting",
                "DBLambdaLocal",
                "DBLambdaSigV4",
                "DBLambdaHTTP",
                "DBLambdaCredentials",
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "DatabaseLambda",
                "DBLambdaLocal",
                "DBLambdaTesting",
                "DBLambdaIAM",
                "DBLambdaSQL",
                "DBLambdaEvents",
                "DBLambdaPayload",
                "DBLambdaCore",
                "DBLambdaInvoke",
                "DBLambdaCredentials",
                "DBLambdaHTTP",
                "DBLambdaSigV4",
                "LoopbackHTTPServer",
                "DBLambdaRelay",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "DBLambdaRelayTests",
            dependencies: [
                "DBLambdaRelay",
                "DatabaseLambda",
                "DBLambdaCore",
                "DBLambdaEvents",
                "DBLambdaPayload",
                "DBLambdaInvoke",
                "DBLambdaTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "dblambdaTests", dependencies: ["dblambda"]),
    ]
)

for target in package.targets where target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
