import Benchmark
import DBLambdaNetwork
import Foundation

// The generated VPCs (see SyntheticVPC): 100, 1 000 and 10 000 subnets. Goal at 1 000: analysis under 10 ms,
// import plus analysis under 200 ms, linear growth.
private let sizes = [100, 1_000, 10_000]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    for size in sizes {
        // The analysis alone, on a model imported once (the index is built inside every analysis).
        Benchmark("Network-analyze-\(size)") { benchmark in
            let documents = SyntheticVPC.documents(subnets: size)
            guard let network = try? SyntheticVPC.importAll(documents) else { return }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try? NetworkAnalyzer.analyze(network, instanceID: SyntheticVPC.instanceID))
            }
        }

        // JSON import (from bytes in memory) plus the analysis, what `dblambda network check` does after
        // reading the files.
        Benchmark("Network-import-analyze-\(size)") { benchmark in
            let documents = SyntheticVPC.documents(subnets: size)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                if let network = try? SyntheticVPC.importAll(documents) {
                    blackHole(try? NetworkAnalyzer.analyze(network, instanceID: SyntheticVPC.instanceID))
                }
            }
        }
    }
}
