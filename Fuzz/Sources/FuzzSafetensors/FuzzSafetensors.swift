import Foundation
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
