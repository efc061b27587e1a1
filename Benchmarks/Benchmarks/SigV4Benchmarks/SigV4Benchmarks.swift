import Benchmark
import Crypto
import DBLambdaSigV4
import HTTPTypes

// The request every SigV4 benchmark signs: a Lambda Invoke POST with a 1 KiB JSON body, the same
// request `Benchmarks/peers/botocore_sigv4.py` gives botocore.
private let body: [UInt8] = {
    let head = Array(#"{"id":"evt-0001","table":"public.orders","payload":""#.utf8)
    let tail = Array(#""}"#.utf8)
    return head + [UInt8](repeating: UInt8(ascii: "x"), count: 1024 - head.count - tail.count) + tail
}()

private let credentials = Credentials(
    accessKeyID: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "session-token-example"
)

private let time = SigV4Timestamp(secondsSince1970: 1_764_201_600)

private func invokeRequest() -> HTTPRequest {
    var request = HTTPRequest(
        method: .post,
        scheme: "https",
        authority: "lambda.us-east-1.amazonaws.com",
        path: "/2015-03-31/functions/my-function/invocations"
    )
    request.headerFields[.contentType] = "application/json"
    if let invocationType = HTTPField.Name("X-Amz-Invocation-Type") {
        request.headerFields[invocationType] = "RequestResponse"
    }
    return request
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // Ours: build the request and sign it in headers with a cached signing key (the signer is reused,
    // as a client reuses it). The headline figure, against botocore building and signing an AWSRequest.
    Benchmark("SigV4-sign-invoke-1KB") { benchmark in
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "lambda")
        _ = try? signer.sign(invokeRequest(), body: body, at: time)  // derive and cache the key
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try? signer.sign(invokeRequest(), body: body, at: time))
        }
    }

    // Ours, signing a request built once (what a client does when it re-signs a retry).
    Benchmark("SigV4-sign-prebuilt-1KB") { benchmark in
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "lambda")
        let request = invokeRequest()
        _ = try? signer.sign(request, body: body, at: time)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try? signer.sign(request, body: body, at: time))
        }
    }

    // The crypto floor: SHA-256 of the body, SHA-256 of a ready canonical request, one HMAC with a
    // cached key — what any SigV4 signer must compute at the least.
    Benchmark("SigV4-crypto-floor") { benchmark in
        let key = SymmetricKey(data: SHA256.hash(data: Array("signing-key".utf8)))
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "lambda")
        let canonicalRequest = Array(
            ((try? signer.signature(for: invokeRequest(), body: body, at: time))?.canonicalRequest ?? "").utf8
        )
        let stringToSignHead = Array(
            "AWS4-HMAC-SHA256\n20251127T000000Z\n20251127/us-east-1/lambda/aws4_request\n".utf8
        )
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let bodyHash = SHA256.hash(data: body)
            let requestHash = SHA256.hash(data: canonicalRequest)
            var stringToSign = stringToSignHead
            requestHash.withUnsafeBytes { stringToSign.append(contentsOf: $0) }
            blackHole(bodyHash)
            blackHole(HMAC<SHA256>.authenticationCode(for: stringToSign, using: key))
        }
    }
}
