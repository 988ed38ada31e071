import Foundation
import FuzzDriver
import SERTraining

/// The strict configuration decoder (`config.json`, `--config`) and the configuration's validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrainingConfiguration(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    if let c = try? TrainingConfiguration.decode(data) {
        _ = try? c.validate()
        _ = try? c.featureChannels()
        // A decoded configuration is written and read back unchanged.
        if let written = try? JSONEncoder().encode(c) {
            precondition((try? TrainingConfiguration.decode(written)) == c, "a configuration does not survive writing and reading back")
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzTrainingConfiguration(_:_:)``.
@_cdecl("FuzzTrainingConfiguration_main")
public func fuzzTrainingConfigurationMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzTrainingConfiguration(data, size)
    }
}
