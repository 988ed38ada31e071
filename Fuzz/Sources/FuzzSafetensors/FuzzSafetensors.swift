import Foundation
import FuzzDriver
import SERTensor

/// The safetensors reader: header length, JSON header, dtypes, shapes and offsets.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    if let (tensors, metadata) = try? Safetensors.decode(data) {
        // What was read is written and read back to the same names, shapes and metadata.
        if let again = try? Safetensors.encode(tensors, metadata: metadata.isEmpty ? nil : metadata),
           let (back, backMetadata) = try? Safetensors.decode(again) {
            precondition(Set(back.keys) == Set(tensors.keys) && backMetadata == metadata, "safetensors round trip changed the file")
            for (k, t) in tensors { precondition(back[k]?.shape == t.shape, "safetensors round trip changed a shape") }
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzSafetensors(_:_:)``.
@_cdecl("FuzzSafetensors_main")
public func fuzzSafetensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzSafetensors(data, size)
    }
}
