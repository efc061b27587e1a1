// swift-tools-version: 6.2
// One package, one executable per example. Each depends on DatabaseLambda by path; a project of your
// own would write `.package(url: "https://github.com/OWNER/DatabaseLambda.git", branch: "main")`.
import PackageDescription

import struct Foundation.URL

// A path dependency's identity is the name of its folder, which differs between clones: derive it.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let package = Package(
    name: "DatabaseLambdaExamples",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "SignInvokeRequest",
            dependencies: [
                .product(name: "DBLambdaCore", package: rootPackage),
                .product(name: "DBLambdaCredentials", package: rootPackage),
                .product(name: "DBLambdaHTTP", package: rootPackage),
                .product(name: "DBLambdaSigV4", package: rootPackage),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "PlanIntegration",
            dependencies: [
                .product(name: "DatabaseLambda", package: rootPackage)
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
