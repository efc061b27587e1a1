// Fuzz target: the Lambda response decoding of DBLambdaInvoke, through the public path that uses it.
//
// `ErrorResponseParser` is internal, so each input is the HTTP response a `LambdaClient` receives from a scripted
// transport (`RecordingHTTPTransport`): the first line is the status code (clamped to 100…599), then
// `name: value` header lines up to an empty line, then the body. Error statuses go through the error-response
// decoder (JSON `__type`/`code`/`message`, XML `<ErrorResponse>`, `x-amzn-ErrorType`, `Retry-After`) and the
// retry classifier (two attempts, no sleeping); 2xx goes through the result decoder (`X-Amz-Function-Error`,
// base64 `X-Amz-Log-Result`, the function error payload).
import CFuzzDriver
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import Foundation
import FuzzSupport
import HTTPTypes
import Logging

/// The response an input describes.
private func response(_ bytes: [UInt8]) -> HTTPTransportResponse {
    var reader = FuzzReader(bytes)
    let statusText = String(decoding: reader.piece(until: UInt8(ascii: "\n")), as: UTF8.self)
    let status = min(max(Int(statusText.trimmingCharacters(in: .whitespaces)) ?? 500, 100), 599)
    var fields = HTTPFields()
    while !reader.isAtEnd {
        var line = reader.piece(until: UInt8(ascii: "\n"))
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.isEmpty { break }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
            let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self))
        else { continue }
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        fields.append(HTTPField(name: name, value: value))
    }
    return HTTPTransportResponse(
        head: HTTPResponse(status: .init(code: status), headerFields: fields),
        body: Array(reader.rest())
    )
}

private let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInvokeResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let reply = response(fuzzBytes(data, size))
    let transport = RecordingHTTPTransport { _, _ in reply }
    var configuration = LambdaClient.Configuration(region: .usEast1, maxAttempts: 2)
    configuration.sleep = { _ in }
    configuration.random = { 0.5 }
    configuration.now = { Date(timeIntervalSince1970: 1_795_766_400) }
    let client = LambdaClient(
        configuration: configuration,
        credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDFUZZ", secretAccessKey: "fuzz-secret"),
        transport: transport,
        logger: logger
    )
    _ = runBlocking {
        do {
            let result = try await client.invoke(function: "orders-sync", payload: Array(#"{"a":1}"#.utf8))
            _ = (result.executedVersion, result.logResult, result.requestID, result.functionError?.description)
            _ = try? result.decode([String: Int].self)
            return "\(result.statusCode)"
        } catch let error as LambdaInvokeError {
            _ = (error.code, error.errorKind, error.throttleReason, error.retryAfterSeconds, error.requestID)
            return error.description
        } catch {
            return "\(error)"
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzInvokeResponse_main")
public func fuzzInvokeResponseMain(
    _ argc: CInt,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzInvokeResponse)
}
