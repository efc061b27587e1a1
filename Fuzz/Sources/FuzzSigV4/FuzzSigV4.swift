// Fuzz target: SigV4 canonicalisation of arbitrary URLs and headers (DBLambdaSigV4).
//
// Input format: the AWS SigV4 test suite's `request.txt` (`METHOD PATH HTTP/1.1`, `Name:value` header lines, a
// line starting with whitespace continuing the previous value, an empty line, the body), so the suite's requests
// are the seeds. The URL is `https://` + the `Host` header + the path. The request is built with
// `SigV4Signer.request(method:url:headers:)`, then header-signed, presigned and described with the standard
// options and with S3's, with and without a session token. `sign` and `signature(for:)` must agree.
import CFuzzDriver
import DBLambdaSigV4
import FuzzSupport
import HTTPTypes

private let time = SigV4Timestamp(secondsSince1970: 1_440_938_160)
private let signers: [SigV4Signer] = [
    SigV4Signer(
        credentials: Credentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        ),
        region: "us-east-1",
        service: "service"
    ),
    SigV4Signer(
        credentials: Credentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfp"
                + "SPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQ"
                + "DYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+s"
                + "cqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
        ),
        region: "eu-west-1",
        service: "s3",
        options: .s3
    ),
    SigV4Signer(
        credentials: Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token"),
        region: "us-east-1",
        service: "lambda",
        options: .init(unsignedPayload: true, omitSessionTokenFromSignature: true)
    ),
]

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigV4(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var reader = FuzzReader(fuzzBytes(data, size))
    let requestLine = String(decoding: reader.piece(until: UInt8(ascii: "\n")), as: UTF8.self)
    var headers: [(name: String, value: String)] = []
    while !reader.isAtEnd {
        var line = reader.piece(until: UInt8(ascii: "\n"))
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.isEmpty { break }
        let text = String(decoding: line, as: UTF8.self)
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !headers.isEmpty {
            headers[headers.count - 1].value += "\n" + text
            continue
        }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        headers.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
    }
    let body = Array(reader.rest())

    let words = requestLine.split(separator: " ", omittingEmptySubsequences: false)
    let method = words.first.map(String.init) ?? ""
    let path = words.count > 2 ? words[1..<(words.count - 1)].joined(separator: " ") : words.dropFirst().joined()
    let host = headers.first { $0.name.lowercased() == "host" }?.value ?? "example.amazonaws.com"
    let request: HTTPRequest
    do {
        request = try SigV4Signer.request(method: method, url: "https://\(host)\(path)", headers: headers)
    } catch {
        _ = error.description
        return 0
    }
    for signer in signers {
        do {
            let signed = try signer.sign(request, body: body, at: time)
            let signature = try signer.signature(for: request, body: body, at: time)
            fuzzCheck(
                signed.headerFields[.authorization] == signature.authorization,
                "sign and signature(for:) disagree on Authorization"
            )
            _ = signature.canonicalRequest
        } catch {
            _ = error.description
        }
        do {
            let presigned = try signer.presign(request, body: body, expires: 86_400, at: time)
            _ = presigned.url
        } catch {
            _ = error.description
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzSigV4_main")
public func fuzzSigV4Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzSigV4)
}
