import Foundation

/// Reads a fuzz input piece by piece; every read succeeds (running out of bytes yields empty values), so a
/// harness never traps on its own.
public struct FuzzReader: Sendable {
    /// The bytes not read yet.
    public private(set) var remaining: ArraySlice<UInt8>

    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) {
        remaining = bytes[...]
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { remaining.isEmpty }

    /// The next byte, or 0 at the end.
    public mutating func byte() -> UInt8 {
        remaining.popFirst() ?? 0
    }

    /// The bytes up to (not including) the next `separator`, which is consumed; the rest when there is none.
    public mutating func piece(until separator: UInt8) -> ArraySlice<UInt8> {
        guard let index = remaining.firstIndex(of: separator) else {
            defer { remaining = [] }
            return remaining
        }
        defer { remaining = remaining[(index + 1)...] }
        return remaining[..<index]
    }

    /// Everything not read yet.
    public mutating func rest() -> ArraySlice<UInt8> {
        defer { remaining = [] }
        return remaining
    }
}

/// Copies libFuzzer's input into an array.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Stops the fuzzer with a message when a property that must hold does not (a harness-level crash that
/// libFuzzer records like a trap in the code under test).
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("fuzz property violated: \(message())\n".utf8))
        abort()
    }
}

/// A value handed from a task back to the blocked fuzz thread.
private final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    func set(_ value: Value) { lock.withLock { stored = value } }
    func get() -> Value? { lock.withLock { stored } }
}

/// Runs async code to completion from libFuzzer's synchronous callback.
///
/// `Task.immediate` starts on the calling thread, so code that never really suspends (a scripted transport, a
/// file read) finishes before the wait and costs no thread hop; anything else is waited for.
public func runBlocking<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value? {
    let handoff = Handoff<Value>()
    let done = DispatchSemaphore(value: 0)
    Task.immediate {
        handoff.set(await body())
        done.signal()
    }
    done.wait()
    return handoff.get()
}
