import ArgumentParser
import DBLambdaSigV4
import Foundation

/// `dblambda sign --input FILE|-`: signs requests described in JSON with SigV4 and prints the
/// canonical request, string to sign, signature and `Authorization` (or presigned URL).
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign requests with AWS Signature Version 4 and print the intermediate values.",
        discussion: """
            Input: one JSON object or an array of them, with the fields method, url, headers \
            ([["Name","value"],...]), body or bodyBase64, accessKeyId, secretAccessKey, sessionToken?, \
            region, service, date (YYYYMMDDTHHMMSSZ), unsignedPayload?, normalizePath?, doubleEncodePath?, \
            presignExpires? (seconds). Output: a JSON array with canonicalRequest, stringToSign, signature \
            and authorization (or presignedUrl).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The JSON input file, or - for standard input.", valueName: "FILE|-"))
    var input: String

    func run() async throws {
        let requests = try SignInput.parse(try CLIIO.readInput(input))
        var results: [[String: String]] = []
        results.reserveCapacity(requests.count)
        for request in requests {
            results.append(try request.sign())
        }
        try CLIIO.writeJSON(results)
    }
}
