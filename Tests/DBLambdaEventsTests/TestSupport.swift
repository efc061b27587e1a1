import DBLambdaEvents
import Foundation
import Testing

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    )
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func events(_ name: String) throws -> [ChangeEvent] {
        try ChangeEvent.decode(from: try bytes(name))
    }
}

extension JSONValue {
    /// Parses test JSON text; test inputs are valid unless the test says otherwise.
    static func parse(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: text)
    }
}

/// The `EventsError` `body` throws, or `nil` when it throws nothing (or another error).
func caughtEventsError(_ body: () throws -> Void) -> EventsError? {
    do {
        try body()
        return nil
    } catch let error as EventsError {
        return error
    } catch {
        return nil
    }
}
