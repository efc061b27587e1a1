import ArgumentParser
import DBLambdaRelay
import DBLambdaSQL
import Foundation
import Logging

/// `dblambda outbox status|list-dead|replay|cleanup --database URL [--schema S]`: inspect the outbox and re-drive
/// dead-lettered events. JSON on standard output (sorted keys); exit 1 when the database cannot be used, 2 on bad
/// input.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect the outbox and re-drive dead-lettered events (outbox delivery mode).",
        discussion: """
            The database URL comes from --database or DBLAMBDA_DATABASE_URL (never printed with its password); \
            --schema names the outbox schema (default dblambda). Each subcommand prints one JSON document with \
            sorted keys. Exit 1 when the database cannot be reached or refuses the query, 2 on bad input.
            """,
        subcommands: [
            OutboxStatusCommand.self,
            OutboxListDeadCommand.self,
            OutboxReplayCommand.self,
            OutboxCleanupCommand.self,
        ]
    )
}

/// `--database` and `--schema` of every `outbox` subcommand, and the admin built from them.
struct OutboxAdminOptions: ParsableArguments {
    @OptionGroup var database: OutboxDatabaseOptions

    @Option(name: .long, help: ArgumentHelp("The outbox schema.", valueName: "S"))
    var schema: String = OutboxNames.standard.schema

    /// The admin for the URL and schema; bad input is a ``CLIFailure`` (exit 2).
    func admin() throws -> OutboxAdmin {
        let url = try database.url(environment: ProcessInfo.processInfo.environment)
        let names: OutboxNames
        do {
            names = try OutboxNames(schema: schema)
        } catch {
            throw CLIFailure(message: "--schema: \(error.message)")
        }
        return OutboxAdmin(database: url, names: names, logger: RelayLogging.logger(label: "dblambda.outbox"))
    }

    /// Runs `body` against the admin; a database failure is exit 1, an invalid argument exit 2.
    func perform<T>(_ body: (OutboxAdmin) async throws -> T) async throws -> T {
        let admin = try admin()
        do {
            return try await body(admin)
        } catch let error as RelayError {
            let input = error.code == .invalidArgument || error.code == .invalidDatabaseURL
            throw CLIFailure(message: error.description, exitStatus: input ? 2 : 1)
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(message: "the outbox cannot be read: \(error)", exitStatus: 1)
        }
    }
}

/// `dblambda outbox status`: counts of pending, due, delivered (kept) and dead events, and the oldest pending age.
struct OutboxStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the outbox counts as JSON.",
        discussion: """
            Prints {"pending", "due", "retrying", "delivered", "dead", "oldestPendingAgeSeconds"}: events not yet \
            delivered, those of them that may be claimed now, those that failed at least once, delivered rows still \
            kept (retention), dead-lettered events, and the age of the oldest pending event (null when none).
            """
    )

    @OptionGroup var options: OutboxAdminOptions

    func run() async throws {
        let stats = try await options.perform { try await $0.stats() }
        try CLIIO.writeJSON(OutboxJSON.stats(stats))
    }
}

/// `dblambda outbox list-dead [--limit N]`: the dead-lettered events, oldest first.
struct OutboxListDeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-dead",
        abstract: "Print the dead-lettered events as a JSON array.",
        discussion: """
            Each element: {"id", "eventId", "partitionKey", "attempts", "lastError", "createdAt", "deadAt", \
            "envelope"} (the envelope as JSON), in id order. Re-drive them with `dblambda outbox replay`.
            """
    )

    @OptionGroup var options: OutboxAdminOptions

    @Option(name: .long, help: ArgumentHelp("The most events to list (1-10000).", valueName: "N"))
    var limit: Int = 100

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw CLIFailure(message: "--limit must be 1-10000, got \(limit)") }
    }

    func run() async throws {
        let dead = try await options.perform { try await $0.listDead(limit: limit) }
        try CLIIO.writeJSON(dead.map(OutboxJSON.deadLetter))
    }
}

/// `dblambda outbox replay --id N … | --all`: moves dead-lettered events back to the outbox (new id, attempts 0).
struct OutboxReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Move dead-lettered events back to the outbox.",
        discussion: """
            --id N (repeatable) names the dead-lettered events (ids as list-dead prints them); --all replays every \
            one. Each goes back to the outbox as a new pending event with zero attempts and is delivered again. \
            Prints {"replayed": N}; an id that is not in the dead letter is skipped (not counted).
            """
    )

    @OptionGroup var options: OutboxAdminOptions

    @Option(name: .customLong("id"), help: ArgumentHelp("A dead-lettered event id (repeatable).", valueName: "N"))
    var ids: [Int64] = []

    @Flag(name: .long, help: "Replay every dead-lettered event.")
    var all = false

    func validate() throws {
        switch (ids.isEmpty, all) {
        case (true, false): throw CLIFailure(message: "give --id N (repeatable) or --all")
        case (false, true): throw CLIFailure(message: "give either --id or --all, not both")
        default: break
        }
        if let bad = ids.first(where: { $0 < 1 }) { throw CLIFailure(message: "--id must be positive, got \(bad)") }
    }

    func run() async throws {
        let selection: [Int64]? = all ? nil : ids
        let count = try await options.perform { try await $0.replay(ids: selection) }
        try CLIIO.writeJSON(["replayed": count])
    }
}

/// `dblambda outbox cleanup [--retention-hours H]`: deletes delivered rows older than the retention.
struct OutboxCleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete delivered outbox rows older than the retention.",
        discussion: """
            Deletes delivered rows whose delivery is older than --retention-hours (default 24; 0 deletes every \
            delivered row). Pending and dead-lettered events are never touched. Prints {"deleted": N}.
            """
    )

    @OptionGroup var options: OutboxAdminOptions

    @Option(name: .customLong("retention-hours"), help: ArgumentHelp("Keep rows this recent.", valueName: "H"))
    var retentionHours: Int = 24

    func validate() throws {
        guard (0...87_600).contains(retentionHours) else {
            throw CLIFailure(message: "--retention-hours must be 0-87600, got \(retentionHours)")
        }
    }

    func run() async throws {
        let hours = retentionHours
        let deleted = try await options.perform { try await $0.cleanup(retention: .seconds(hours * 3_600)) }
        try CLIIO.writeJSON(["deleted": deleted])
    }
}

/// The JSON shapes of the `outbox` subcommands.
enum OutboxJSON {
    static func stats(_ stats: OutboxStats) -> [String: Any] {
        [
            "pending": stats.pending,
            "due": stats.due,
            "delivered": stats.delivered,
            "retrying": stats.retrying,
            "dead": stats.dead,
            "oldestPendingAgeSeconds": stats.oldestPendingAge.map(seconds) ?? NSNull(),
        ]
    }

    static func deadLetter(_ letter: DeadLetter) -> [String: Any] {
        let envelope: Any =
            (try? JSONSerialization.jsonObject(with: Data(letter.envelope.utf8), options: [.fragmentsAllowed]))
            ?? letter.envelope
        return [
            "id": letter.id,
            "eventId": letter.eventID,
            "partitionKey": letter.partitionKey,
            "attempts": letter.attempts,
            "lastError": letter.lastError ?? NSNull(),
            "createdAt": timestamp(letter.createdAt),
            "deadAt": timestamp(letter.deadAt),
            "envelope": envelope,
        ]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-27T10:30:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1_000)
        let whole = fraction < 0 ? seconds - 1 : seconds
        let millis = fraction < 0 ? fraction + 1_000 : fraction
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let text = formatter.string(from: Date(timeIntervalSince1970: Double(whole)))
        let digits = String(millis)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
