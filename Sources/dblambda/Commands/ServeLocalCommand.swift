import ArgumentParser
import DBLambdaCore
import DBLambdaIAM
import DBLambdaLocal
import Dispatch
import Foundation
import Logging

/// `dblambda serve-local --handler COMMAND`: a local Lambda Invoke endpoint (a development tool, not a production
/// Lambda) that runs COMMAND for each invocation. Prints `listening on http://HOST:PORT` and runs until SIGINT or
/// SIGTERM (exit 0).
struct ServeLocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-local",
        abstract: "Serve the Lambda Invoke API on loopback, answering with a local command (development only).",
        discussion: """
            A development tool, like `sam local start-lambda`: not a production Lambda. Each invocation runs \
            `/bin/sh -c HANDLER` with the payload on standard input; standard output is the response, standard \
            error the log (X-Amz-Log-Result), a non-zero exit an Unhandled function error. With --access-key-id \
            and --secret-access-key every request must be SigV4-signed with that key (scope: --region, service \
            lambda); without them unsigned requests are accepted. --resource-policy evaluates a function policy \
            for lambda:InvokeFunction (the caller is --principal). Prints one line `listening on \
            http://HOST:PORT` (the real port for --port 0) and runs until SIGINT or SIGTERM.
            """
    )

    @Option(name: .long, help: "The loopback address to bind (127.0.0.1 or ::1).")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "The TCP port; 0 picks a free one.")
    var port: Int = 9001

    @Option(name: .long, help: ArgumentHelp("The command that handles each invocation.", valueName: "COMMAND"))
    var handler: String

    @Option(
        name: .customLong("function"),
        help: ArgumentHelp("A function name to serve (repeatable); default: every name.", valueName: "NAME")
    )
    var functions: [String] = []

    @Option(name: .customLong("access-key-id"), help: "The access key id callers must sign with.")
    var accessKeyID: String?

    @Option(name: .customLong("secret-access-key"), help: "The secret of --access-key-id.")
    var secretAccessKey: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The caller's principal ARN for the resource policy.", valueName: "ARN")
    )
    var principal: String?

    @Option(
        name: .customLong("resource-policy"),
        help: ArgumentHelp("A function (resource-based) policy JSON file to enforce.", valueName: "FILE")
    )
    var resourcePolicy: String?

    @Option(name: .customLong("account-id"), help: "The account of the functions' ARNs.")
    var accountID: String = "123456789012"

    @Option(name: .long, help: "The region of the functions' ARNs and of the signature scope.")
    var region: String = "us-east-1"

    @Option(name: .long, help: ArgumentHelp("The handler's time limit.", valueName: "SECONDS"))
    var timeout: Double = 30

    @Flag(name: .customLong("allow-non-loopback"), help: "Allow binding an address that is not loopback.")
    var allowNonLoopback = false

    func run() async throws {
        let configuration = try serverConfiguration()
        TerminationSignal.install()
        let server: LocalLambdaServer
        do {
            server = try await LocalLambdaServer.start(configuration)
        } catch {
            throw CLIFailure(message: "\(error.code): \(error.message)")
        }
        let shownHost = server.host.contains(":") ? "[\(server.host)]" : server.host
        CLIIO.writeLine("listening on http://\(shownHost):\(server.port)")
        await TerminationSignal.wait()
        try? await server.shutdown()
    }

    func serverConfiguration() throws -> LocalLambdaServer.Configuration {
        guard (0...65_535).contains(port) else { throw CLIFailure(message: "--port must be 0…65535, got \(port)") }
        guard timeout > 0, timeout <= 86_400 else {
            throw CLIFailure(message: "--timeout must be more than 0 and at most 86400 seconds")
        }
        let parsedRegion: Region
        do {
            parsedRegion = try Region(region)
        } catch {
            throw CLIFailure(message: "--region: '\(region)' is not a region name")
        }
        guard accountID.count == 12, accountID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CLIFailure(message: "--account-id must be 12 digits, got '\(accountID.prefix(40))'")
        }
        let command = LocalLambdaHandler.command(handler, timeout: .milliseconds(Int64(timeout * 1000)))
        var configuration = LocalLambdaServer.Configuration(
            host: host,
            port: port,
            accountID: accountID,
            region: parsedRegion,
            allowNonLoopback: allowNonLoopback,
            logger: CLIIO.logger(label: "dblambda.serve-local")
        )
        if functions.isEmpty {
            configuration.defaultHandler = command
        } else {
            for name in functions { configuration.functions[name] = command }
        }
        switch (accessKeyID, secretAccessKey) {
        case (let id?, let secret?):
            configuration.credentials = [id: secret]
            if let principal { configuration.principals[id] = principal }
        case (nil, nil):
            if principal != nil {
                throw CLIFailure(message: "--principal needs --access-key-id and --secret-access-key")
            }
        default:
            throw CLIFailure(message: "--access-key-id and --secret-access-key must be given together")
        }
        if let resourcePolicy {
            let data = try CLIIO.readInput(resourcePolicy)
            do {
                configuration.resourcePolicy = try PolicyDocument(json: data)
            } catch {
                throw CLIFailure(message: "\(resourcePolicy): \(error.message)")
            }
        }
        return configuration
    }
}

/// Waits for SIGINT or SIGTERM with the self-pipe pattern: the signal handler (which may only do
/// async-signal-safe work) writes one byte into a pipe created before it is installed, and a dedicated thread blocked on
/// the pipe's read end resumes the waiting task. (Dispatch signal sources need the signal blocked in every thread,
/// which a process that already runs threads cannot arrange.)
private enum TerminationSignal {
    /// The pipe, created once before any handler is installed and never changed.
    static let pipeDescriptors: (read: Int32, write: Int32) = {
        var descriptors: [Int32] = [-1, -1]
        _ = pipe(&descriptors)
        return (descriptors[0], descriptors[1])
    }()

    /// Installs the handlers for SIGINT and SIGTERM and unblocks both on the current thread (a parent may have
    /// started this process with them blocked).
    static func install() {
        _ = pipeDescriptors
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&set, number)
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(TerminationSignal.pipeDescriptors.write, &byte, 1)
            }
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Suspends until a handler ran; the blocking read happens on a dedicated thread, never on the cooperative pool.
    static func wait() async {
        let descriptor = pipeDescriptors.read
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while read(descriptor, &byte, 1) < 0 && errno == EINTR {}
                continuation.resume()
            }
        }
    }
}
