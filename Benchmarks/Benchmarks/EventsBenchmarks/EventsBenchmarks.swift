import Benchmark
import DBLambdaEvents
import DBLambdaPayload
import Foundation

// Envelopes with a 1 KB and a 64 KB row: the same bytes for ours and Foundation's decoders in the same
// run. The row looks like a PostgreSQL `to_jsonb(NEW)`: bigint, numeric, text, timestamptz, an array
// of float8 and a nested jsonb.

/// The row type both sides decode into (Foundation: `JSONDecoder`, ours: `JSONValueDecoder`).
struct BenchmarkRow: Codable {
    struct Meta: Codable {
        var source: String
        var version: Int
        var flags: [Bool]
    }
    var id: Int64
    var total: Decimal
    var status: String
    var customer: String
    var note: String
    var created_at: String
    var readings: [Double]
    var meta: Meta
}

/// The envelope as Foundation's `JSONDecoder` sees it (lossy: numbers become Double/Decimal).
struct FoundationEnvelope: Codable {
    struct Source: Codable {
        var engine: String
        var database: String
        var schema: String
        var table: String
    }
    var dblambda: Int
    var id: String
    var operation: String
    var source: Source
    var transactionId: String?
    var timestamp: String?
    var old: BenchmarkRow?
    var new: BenchmarkRow?
    var changedColumns: [String]
}

/// A row of about `bytes` bytes of JSON.
func benchmarkRowJSON(bytes: Int) -> String {
    let readingCount = max(8, bytes / 64)
    var readings: [String] = []
    for index in 0..<readingCount {
        readings.append("\(Double(index) * 1.25 + 0.001)")
    }
    let head = #"{"id":9223372036854775807,"total":12345.678900,"status":"paid","customer":"Zoë \"Z\" Müller","note":""#
    let tail =
        #"","created_at":"2026-11-27T04:27:52.123456+00:00","readings":[\#(readings.joined(separator: ","))],"meta":{"source":"web","version":3,"flags":[true,false,true]}}"#
    let noteLength = max(16, bytes - head.utf8.count - tail.utf8.count)
    var note = ""
    let words = ["lorem", "ipsum", "dolor", "sit", "amet", "é", "😀", "tab\\t", "quote\\\"", "/"]
    var index = 0
    while note.utf8.count < noteLength {
        note += words[index % words.count] + " "
        index += 1
    }
    return head + note + tail
}

/// One update envelope with old and new rows of about `rowBytes` bytes each.
func benchmarkEnvelope(rowBytes: Int) -> [UInt8] {
    let row = benchmarkRowJSON(bytes: rowBytes)
    let text =
        #"{"dblambda":1,"id":"0b6f5f0e-2f5a-4a8e-9a43-6a1f0f0c2a11","operation":"update","source":{"engine":"postgresql","database":"shop","schema":"public","table":"orders"},"transactionId":"7781","timestamp":"2026-11-27T04:27:52.123456+00:00","old":"#
        + row + #","new":"# + row + #","changedColumns":["status"]}"#
    return Array(text.utf8)
}

private func register(rowBytes: Int, label: String) {
    let bytes = benchmarkEnvelope(rowBytes: rowBytes)
    let data = Data(bytes)
    let throughput = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: rowBytes >= 65_536 ? .one : .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // Ours, lossless: parse + build the ChangeEvent (exact numbers, ordered rows).
    Benchmark("Events-decode-\(label)-ours", configuration: throughput) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? ChangeEvent.decode(from: bytes))
        }
    }

    // Ours, lossless, all the way into the user's type.
    Benchmark("Events-decode-typed-\(label)-ours", configuration: throughput) { benchmark in
        for _ in benchmark.scaledIterations {
            let event = try? ChangeEvent.decode(from: bytes).first
            blackHole(try? event?.decodeNew(as: BenchmarkRow.self))
            blackHole(try? event?.decodeOld(as: BenchmarkRow.self))
        }
    }

    // Foundation, lossy: untyped objects.
    Benchmark("Events-decode-\(label)-JSONSerialization", configuration: throughput) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? JSONSerialization.jsonObject(with: data))
        }
    }

    // Foundation, lossy: straight into the typed envelope.
    Benchmark("Events-decode-typed-\(label)-JSONDecoder", configuration: throughput) { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try? decoder.decode(FoundationEnvelope.self, from: data))
        }
    }

    // Encoding the envelope back to bytes.
    let event = (try? ChangeEvent.decode(from: bytes))?.first
    let foundationObject = try? JSONSerialization.jsonObject(with: data)
    let typed = try? JSONDecoder().decode(FoundationEnvelope.self, from: data)

    Benchmark("Events-encode-\(label)-ours", configuration: throughput) { benchmark in
        guard let event else { return }
        for _ in benchmark.scaledIterations {
            blackHole(EnvelopeEncoder.encode(event))
        }
    }

    Benchmark("Events-encode-\(label)-JSONSerialization", configuration: throughput) { benchmark in
        guard let foundationObject else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try? JSONSerialization.data(withJSONObject: foundationObject, options: [.withoutEscapingSlashes]))
        }
    }

    Benchmark("Events-encode-\(label)-JSONEncoder", configuration: throughput) { benchmark in
        guard let typed else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for _ in benchmark.scaledIterations {
            blackHole(try? encoder.encode(typed))
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    register(rowBytes: 1024, label: "1KB")
    register(rowBytes: 65_536, label: "64KB")
}
