import Foundation
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
