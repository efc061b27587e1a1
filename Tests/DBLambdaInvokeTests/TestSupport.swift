import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaSigV4
import DBLambdaTesting
import Foundation
import HTTPTypes
import Logging

let testCredentials = Credentials(
    accessKeyID: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

/// A configuration for tests: us-east-1, a manual clock, the largest jitter (deterministic delays).
func testConfiguration(clock: ManualClock = ManualClock(), maxAttempts: Int = 3) -> LambdaClient.Configuration {
    var configuration = LambdaClient.Configuration(region: .usEast1, maxAttempts: maxAttempts)
    configuration.sleep = clock.sleeper
    configuration.random = { 1 }
    configuration.now = { Date(timeIntervalSince1970: 1_767_225_600) }  // 2026-01-01T00:00:00Z
    return configuration
}

func makeClient(
    _ transport: any HTTPTransport,
    configuration: LambdaClient.Configuration = testConfiguration()
) -> LambdaClient {
    LambdaClient(
        configuration: configuration,
        credentialProvider: StaticCredentialProvider(testCredentials),
        transport: transport
    )
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A response with a header list.
func response(_ status: Int, _ headers: [(String, String)] = [], body: String = "") -> HTTPTransportResponse {
    var fields = HTTPFields()
    for (name, value) in headers {
        if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
    }
    return HTTPTransportResponse(status: HTTPResponse.Status(code: status), headerFields: fields, body: bytes(body))
}

extension HTTPRequest {
    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headerFields[$0] }
    }
}

struct FailingProvider: CredentialProvider {
    func credentials(logger: Logger) async throws -> Credentials {
        throw CredentialsError(code: .noCredentials, message: "no credentials in the test")
    }
}
