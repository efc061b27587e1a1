/// What answers invocations: a Swift closure (for tests) or a shell command (for `dblambda serve-local`).
///
/// ```swift
/// let echo = LocalLambdaHandler.closure { invocation in
///     LocalInvocationResponse(payload: invocation.payload)
/// }
/// let python = LocalLambdaHandler.command("python3 handler.py", timeout: .seconds(30))
/// ```
public struct LocalLambdaHandler: Sendable {
    /// The closure type: an error it throws becomes an `Unhandled` function error.
    public typealias Body = @Sendable (LocalInvocation) async throws -> LocalInvocationResponse

    enum Kind: Sendable {
        case closure(Body)
        case command(String, timeout: Duration, environment: [String: String])
    }

    let kind: Kind

    /// A handler that calls `body` for each invocation.
    ///
    /// A thrown error becomes an `Unhandled` function error whose `errorType` is the error's type name and
    /// whose `errorMessage` is its description.
    public static func closure(_ body: @escaping Body) -> LocalLambdaHandler {
        LocalLambdaHandler(kind: .closure(body))
    }

    /// A handler that runs `/bin/sh -c command` for each invocation, with the payload on standard input.
    ///
    /// Standard output is the response payload, standard error the log; a non-zero exit status is an
    /// `Unhandled` function error (`Runtime.ExitError`), and so is running longer than `timeout` (the process
    /// is terminated; `Sandbox.Timedout`). The process inherits the server's environment plus `environment`,
    /// `AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_FUNCTION_VERSION`, `AWS_REGION`, `DBLAMBDA_REQUEST_ID` and
    /// `DBLAMBDA_INVOCATION_TYPE`. The server waits for the process on a dedicated thread, never on Swift's
    /// cooperative pool.
    ///
    /// - Parameters:
    ///   - command: The shell command, for example `python3 handler.py`.
    ///   - timeout: The longest one run may take; 30 seconds by default.
    ///   - environment: Extra environment variables.
    public static func command(
        _ command: String,
        timeout: Duration = .seconds(30),
        environment: [String: String] = [:]
    ) -> LocalLambdaHandler {
        LocalLambdaHandler(kind: .command(command, timeout: timeout, environment: environment))
    }

    func invoke(_ invocation: LocalInvocation, region: String) async -> LocalInvocationResponse {
        switch kind {
        case .closure(let body):
            do {
                return try await body(invocation)
            } catch {
                return LocalInvocationResponse(
                    functionError: LocalFunctionError(
                        kind: .unhandled,
                        errorType: String(describing: type(of: error)),
                        errorMessage: String(describing: error)
                    )
                )
            }
        case .command(let command, let timeout, let environment):
            var variables = environment
            variables["AWS_LAMBDA_FUNCTION_NAME"] = invocation.functionName
            variables["AWS_LAMBDA_FUNCTION_VERSION"] = invocation.qualifier ?? "$LATEST"
            variables["AWS_REGION"] = region
            variables["DBLAMBDA_REQUEST_ID"] = invocation.requestID
            variables["DBLAMBDA_INVOCATION_TYPE"] = invocation.invocationType.rawValue
            return await CommandRunner.run(
                command,
                input: invocation.payload,
                environment: variables,
                timeout: timeout,
                requestID: invocation.requestID
            )
        }
    }
}
