// Fuzz target: the AWS CLI JSON importers of DBLambdaNetwork and the analyzer.
//
// Input format: documents separated by NUL bytes (which JSON text cannot contain); the first byte of each
// document picks which command printed it (`NetworkInput.allCases[byte % count]`), the rest is that command's
// JSON. All documents go into one network, which is then analyzed for the first two DB instances it lists (and
// for an unknown one). `Fuzz/Scripts/make-corpus.py` builds seeds in this format from the test fixtures.
import CFuzzDriver
import DBLambdaNetwork
import Foundation
import FuzzSupport

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetwork(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var reader = FuzzReader(fuzzBytes(data, size))
    var network = AWSNetwork()
    network.missingInputs = Set(NetworkInput.allCases)
    let kinds = NetworkInput.allCases
    while !reader.isAtEnd {
        var document = FuzzReader(Array(reader.piece(until: 0)))
        let kind = kinds[Int(document.byte()) % kinds.count]
        do {
            try AWSCLIImporter.importDocument(Data(document.rest()), as: kind, into: &network)
        } catch {
            _ = error.description
        }
    }
    for instanceID in network.instances.prefix(2).map(\.identifier) + ["fuzz-unknown-instance"] {
        do {
            let report = try NetworkAnalyzer.analyze(network, instanceID: instanceID)
            _ = report.text
            _ = try? JSONEncoder().encode(report)
        } catch {
            _ = error.description
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzNetwork_main")
public func fuzzNetworkMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzNetwork)
}
