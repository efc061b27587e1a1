// Fuzz target: the input readers of `dblambda sign` (`SignInput.parse`, then signing every request it accepts)
// and `dblambda events decode` (`EventsDecoding.decodeLines`), compiled from the tool's own source files. Every
// input goes through both.
import CFuzzDriver
import Foundation
import FuzzSupport

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCLIInputs(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    do {
        for request in try SignInput.parse(Data(bytes)) {
            do {
                _ = try request.sign()
            } catch {
                _ = error.description
            }
        }
    } catch {
        _ = error.description
    }
    do {
        _ = try EventsDecoding.decodeLines(bytes)
    } catch {
        _ = "\(error)"
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzCLIInputs_main")
public func fuzzCLIInputsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzCLIInputs)
}
