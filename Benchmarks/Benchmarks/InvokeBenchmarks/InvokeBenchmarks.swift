import Benchmark
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import Foundation

// Invocations per second through `LambdaClient` (signing, retry bookkeeping, response parsing, the shared
// async-http-client pool) against a fast loopback server that answers every Invoke with a fixed JSON body
// (`Benchmarks/peers/invoke_server.sh` starts nginx). `Benchmarks/peers/boto3_invoke.py` drives boto3 with threads
// against the same server. One measured iteration is 1000 invocations (scalingFactor .kilo) spread over
// `concurrency` tasks.

private let endpoint = ProcessInfo.processInfo.environment["INVOKE_BENCH_ENDPOINT"] ?? "http://127.0.0.1:18080"
private let payload = Array(#"{"id":"evt-0001","table":"public.orders","op":"insert","new":{"id":42}}"#.utf8)

// One transport (one async-http-client pool) for every iteration of every benchmark, as a service keeps one:
// the connection count the script prints then shows keep-alive reuse, not per-iteration set-up.
private let sharedTransport = AsyncHTTPClientTransport(defaultTimeout: .seconds(30))

private func makeClient(_ transport: AsyncHTTPClientTransport) -> LambdaClient {
    var configuration = LambdaClient.Configuration(region: .usEast1, endpoint: endpoint)
    configuration.maxAttempts = 1
    return LambdaClient(
        configuration: configuration,
        credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDBENCH", secretAccessKey: "bench-secret"),
        transport: transport
    )
}

private func invokeAll(_ client: LambdaClient, count: Int, concurrency: Int) async {
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var index = worker
                while index < count {
                    blackHole(try? await client.invoke(function: "bench-function", payload: payload))
                    index += concurrency
                }
            }
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 1000
    )
    for concurrency in [1, 16, 128] {
        Benchmark("Invoke-c\(concurrency)") { benchmark in
            let client = makeClient(sharedTransport)
            await invokeAll(client, count: 64, concurrency: min(concurrency, 64))  // warm the pool
            benchmark.startMeasurement()
            await invokeAll(client, count: benchmark.scaledIterations.count, concurrency: concurrency)
            benchmark.stopMeasurement()
        }
    }
}
