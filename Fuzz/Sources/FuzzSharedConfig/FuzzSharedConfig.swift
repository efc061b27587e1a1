// Fuzz target: the parser of the AWS shared `config` and `credentials` files (DBLambdaCredentials).
//
// The parser is internal; its public entry points are `RegionResolver.resolveRegion` and
// `ProfileCredentialProvider`, which read the files named by `AWS_CONFIG_FILE` and
// `AWS_SHARED_CREDENTIALS_FILE`. Input format: the config file, a NUL byte, the credentials file. Both are written
// to a private temporary directory and read through both entry points, for the default profile and for `dev`.
//
// `credential_process` would run a command named by the input, so the credential provider only runs on inputs
// that are all ASCII and do not contain `credential_process` in any letter case (the key match is ASCII
// case-insensitive); `PATH` points nowhere and no HTTP transport is given (web identity profiles fail before any
// request). The region resolver, which never runs anything, reads every input.
import CFuzzDriver
import DBLambdaCredentials
import Foundation
import FuzzSupport
import Logging

/// The directory of this process's two files, created once: `FUZZ_SCRATCH_DIR` when set (`.ci/fuzz.sh` sets it to
/// a directory in `/dev/shm`, so a million executions cause no disk writes, and removes it afterwards), else a
/// new directory under the temporary directory.
private let directory: String = {
    let parent = ProcessInfo.processInfo.environment["FUZZ_SCRATCH_DIR"] ?? NSTemporaryDirectory()
    let path = parent + "/dblambda-fuzz-config-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

private let configPath = directory + "/config"
private let credentialsPath = directory + "/credentials"
private let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

/// Whether the input cannot name a `credential_process` key.
private func cannotRunProcesses(_ bytes: [UInt8]) -> Bool {
    guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
    let lowered = String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    return !lowered.contains("process")
}

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSharedConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    var reader = FuzzReader(bytes)
    let config = Data(reader.piece(until: 0))
    let credentials = Data(reader.rest())
    do {
        try config.write(to: URL(fileURLWithPath: configPath))
        try credentials.write(to: URL(fileURLWithPath: credentialsPath))
    } catch {
        fuzzCheck(false, "cannot write the input files under \(directory): \(error)")
    }
    let environment = [
        "AWS_CONFIG_FILE": configPath,
        "AWS_SHARED_CREDENTIALS_FILE": credentialsPath,
        "HOME": directory,
        "PATH": "/nonexistent-dblambda-fuzz",
    ]
    for profile in [nil, "dev"] {
        do {
            _ = try RegionResolver.resolveRegion(environment: environment, profile: profile)
        } catch {
            _ = "\(error)"
        }
    }
    guard cannotRunProcesses(bytes) else { return 0 }
    for profile in [nil, "dev"] {
        let provider = ProfileCredentialProvider(
            profile: profile,
            environment: environment,
            configuration: .init(processTimeout: .milliseconds(1))
        )
        _ = runBlocking {
            do {
                let found = try await provider.credentials(logger: logger)
                return "\(found)"
            } catch {
                return "\(error)"
            }
        }
        _ = provider.description
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzSharedConfig_main")
public func fuzzSharedConfigMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzSharedConfig)
}
