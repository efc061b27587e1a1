import DBLambdaCore
import DBLambdaCredentials

extension LambdaClient: CustomStringConvertible, CustomReflectable {
    /// A one-line summary: the region, the endpoint and where credentials come from; never a secret.
    public var description: String {
        "LambdaClient(region: \(configuration.region?.name ?? "unresolved"), "
            + "endpoint: \(configuration.endpoint ?? "default"), credentials: \(credentialProvider.sourceName))"
    }

    /// A mirror without the transport's internals: its connection pool keeps the bytes of requests already sent,
    /// `Authorization` and `X-Amz-Security-Token` headers included, which `dump()` would otherwise print.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "configuration": configuration,
                "credentialProvider": credentialProvider.sourceName,
                "transport": String(describing: type(of: transport)),
            ],
            displayStyle: .class
        )
    }
}
