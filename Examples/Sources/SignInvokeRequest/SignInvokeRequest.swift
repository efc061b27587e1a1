// Resolves credentials through the default chain, builds a Lambda Invoke request for a function ARN
// and signs it with SigV4. Prints what was signed; the signature itself is redacted. Nothing is sent.
//
//   AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
//     swift run --package-path Examples SignInvokeRequest arn:aws:lambda:us-east-1:123456789012:function:f
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Logging

@main
struct SignInvokeRequest {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        guard let text = arguments.first else {
            FileHandle.standardError.write(Data("usage: SignInvokeRequest FUNCTION_ARN\n".utf8))
            exit(2)
        }
        do {
            try await run(functionARN: text)
        } catch {
            // Every error of the package has a one-line description that is safe to print.
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(functionARN text: String) async throws {
        let function = try LambdaFunctionARN(parsing: text)
        let logger = Logger(label: "SignInvokeRequest")

        // The chain needs HTTP only for web identity, container and instance metadata credentials.
        let transport = URLSessionTransport()
        defer { transport.shutdown() }
        let chain = DefaultCredentialChain(transport: transport)
        let credentials = try await chain.credentials(logger: logger)

        // The function's own region decides the endpoint and the signing scope.
        let region = function.region
        let host = function.partition.hostname(service: "lambda", region: region)
        let escapedName = function.unqualified.description.replacingOccurrences(of: ":", with: "%3A")
        var request = HTTPRequest(
            method: .post,
            scheme: "https",
            authority: host,
            path: "/2015-03-31/functions/\(escapedName)/invocations"
        )
        request.headerFields[.contentType] = "application/json"

        let body = Array(#"{"operation":"insert","table":"public.orders","new":{"id":1}}"#.utf8)
        let signer = SigV4Signer(credentials: credentials, region: region.name, service: "lambda")
        let signature = try signer.signature(for: request, body: body, at: SigV4Timestamp(Date()))

        print("POST https://\(host)\(request.path ?? "/")")
        print("\n-- canonical request\n\(signature.canonicalRequest)")
        print("\n-- string to sign\n\(signature.stringToSign)")
        print("\n-- signed headers: \(signature.signedHeaders)")
        print("-- signature: <redacted, \(signature.signature.count) hex digits>")
    }
}
