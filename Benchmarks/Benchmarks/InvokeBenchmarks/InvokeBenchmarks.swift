import Benchmark
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Invocations per second through `LambdaClient` (signing, retry bookkeeping, response parsing, the shared
// async-http-client pool) against a fast loopback server that answers every Invoke with a fixed JSON body
// (`Benchmarks/peers/invoke_server.sh` starts nginx). `Benchmarks/peers/boto3_invoke.py` drives boto3 with threads
// against the same server. One measured iteration is 1000 invocations (scalingFactor .kilo) spread over
// `concurrency` tasks.
//
// "Per core": the CPU time (user + system, `getrusage(RUSAGE_SELF)`, every thread of this process — the event
// loops included, the server excluded) spent inside the measured windows. When `INVOKE_BENCH_CPU_FILE` is set,
// each measured iteration appends `Invoke-cN invokes=… wall_us=… cpu_us=…` to that file; `run.sh invoke` sums
// them. boto3's script measures its own process the same way.
//
// Profiling (callgrind): `INVOKE_BENCH_ITERATIONS=N` runs exactly N measured iterations after one 64-invoke
// warm-up, no warm-up iteration, wall clock only; the difference between two runs with different N, divided by
// 1000 × ΔN, is the client's instructions per invocation. `INVOKE_BENCH_POOL=N` sets async-http-client's
// connection soft limit (default 8) for experiments.

private let environment = ProcessInfo.processInfo.environment
private let endpoint = environment["INVOKE_BENCH_ENDPOINT"] ?? "http://127.0.0.1:18080"
private let cpuFile = environment["INVOKE_BENCH_CPU_FILE"]
private let fixedIterations = environment["INVOKE_BENCH_ITERATIONS"].flatMap { Int($0) }
private let payload = Array(#"{"id":"evt-0001","table":"public.orders","op":"insert","new":{"id":42}}"#.utf8)

// One transport (one async-http-client pool) for every iteration of every benchmark, as a service keeps one:
// the connection count the script prints then shows keep-alive reuse, not per-iteration set-up.
private let sharedTransport: AsyncHTTPClientTransport = {
    var configuration = AsyncHTTPClientTransport.defaultConfiguration
    if let limit = environment["INVOKE_BENCH_POOL"].flatMap({ Int($0) }) {
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = limit
    }
    return AsyncHTTPClientTransport(configuration: configuration, defaultTimeout: .seconds(30))
}()

private func makeClient(_ transport: AsyncHTTPClientTransport) -> LambdaClient {
    var configuration = LambdaClient.Configuration(region: .usEast1, endpoint: endpoint)
    configuration.maxAttempts = 1
    return LambdaClient(
        configuration: configuration,
        credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDBENCH", secretAccessKey: "bench-secret"),
        transport: transport
    )
}

/// Invokes `count` times over `concurrency` tasks; returns the number of failed invocations.
private func invokeAll(_ client: LambdaClient, count: Int, concurrency: Int) async -> Int {
    await withTaskGroup(of: Int.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var index = worker
                var failures = 0
                while index < count {
                    do {
                        blackHole(try await client.invoke(function: "bench-function", payload: payload))
                    } catch {
                        failures += 1
                    }
                    index += concurrency
                }
                return failures
            }
        }
        return await group.reduce(0, +)
    }
}

/// User + system CPU time of this process (all threads), in microseconds.
private func processCPUMicroseconds() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    let who = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    let who = RUSAGE_SELF
    #endif
    guard getrusage(who, &usage) == 0 else { return 0 }
    return (Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec)) * 1_000_000
        + Int(usage.ru_utime.tv_usec) + Int(usage.ru_stime.tv_usec)
}

private func record(_ line: String) {
    guard let cpuFile, let handle = FileHandle(forWritingAtPath: cpuFile) ?? createFile(cpuFile) else { return }
    handle.seekToEndOfFile()
    handle.write(Data((line + "\n").utf8))
    try? handle.close()
}

private func createFile(_ path: String) -> FileHandle? {
    guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
    return FileHandle(forWritingAtPath: path)
}

let benchmarks: @Sendable () -> Void = {
    if let fixedIterations {
        Benchmark.defaultConfiguration = .init(
            metrics: [.wallClock],
            warmupIterations: 0,
            scalingFactor: .kilo,
            maxDuration: .seconds(100_000),
            maxIterations: fixedIterations
        )
    } else {
        Benchmark.defaultConfiguration = .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(5),
            maxIterations: 1000
        )
    }
    for concurrency in [1, 16, 128] {
        Benchmark("Invoke-c\(concurrency)") { benchmark in
            let client = makeClient(sharedTransport)
            _ = await invokeAll(client, count: 64, concurrency: min(concurrency, 64))  // warm the pool
            let count = benchmark.scaledIterations.count
            let wallStart = ContinuousClock.now
            let cpuStart = processCPUMicroseconds()
            benchmark.startMeasurement()
            let failures = await invokeAll(client, count: count, concurrency: concurrency)
            benchmark.stopMeasurement()
            let cpu = processCPUMicroseconds() - cpuStart
            let wall = ContinuousClock.now - wallStart
            let wallMicroseconds =
                wall.components.seconds * 1_000_000 + wall.components.attoseconds / 1_000_000_000_000
            record(
                "Invoke-c\(concurrency) invokes=\(count) failures=\(failures) wall_us=\(wallMicroseconds) cpu_us=\(cpu)"
            )
        }
    }
}
