import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import Foundation
import Testing

// TEMPORARY measurement probe (deleted before hand-over).
@Test("probe") func throughputProbe() async throws {
    guard let endpoint = ProcessInfo.processInfo.environment["INVOKE_PROBE_ENDPOINT"] else { return }
    let payload = Array(#"{"id":"evt-0001","table":"public.orders","op":"insert","new":{"id":42}}"#.utf8)
    for concurrency in [1, 16, 128] {
        let transport = AsyncHTTPClientTransport(defaultTimeout: .seconds(30))
        var configuration = LambdaClient.Configuration(region: .usEast1, endpoint: endpoint)
        configuration.maxAttempts = 1
        let client = LambdaClient(configuration: configuration, credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDBENCH", secretAccessKey: "bench-secret"), transport: transport)
        func run(_ total: Int) async -> Int {
            await withTaskGroup(of: Int.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var ok = 0
                        var index = worker
                        while index < total {
                            if (try? await client.invoke(function: "bench-function", payload: payload)) != nil { ok += 1 }
                            index += concurrency
                        }
                        return ok
                    }
                }
                return await group.reduce(0, +)
            }
        }
        _ = await run(256)
        let total = 10_000
        let start = ContinuousClock.now
        let ok = await run(total)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("PROBE ours concurrency=\(concurrency) ok=\(ok) ops_per_s=\(Int(Double(total) / seconds))")
        try await transport.shutdown()
    }
}
