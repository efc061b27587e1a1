extension AsyncHTTPClientTransport: CustomStringConvertible, CustomReflectable {
    /// `AsyncHTTPClientTransport`: nothing about the connections or the requests they carried.
    public var description: String { "AsyncHTTPClientTransport" }

    /// A mirror without children: the client's connection pool keeps the bytes of requests already sent
    /// (`Authorization` and `X-Amz-Security-Token` headers included), which `dump()` would otherwise print.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}

extension URLSessionTransport: CustomStringConvertible, CustomReflectable {
    /// `URLSessionTransport`: nothing about the session or the requests it carried.
    public var description: String { "URLSessionTransport" }

    /// A mirror without children, so `dump()` cannot reach the session's state.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}
