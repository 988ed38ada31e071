import Foundation
import SERModels

/// The PyTorch checkpoint reader: zip container or legacy file, the restricted pickle machine, and
/// tensor storages.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTorchPickle(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    if let checkpoint = try? TorchCheckpoint(data: data, source: "fuzz.pt") {
        _ = checkpoint.root.firstInertObject()
        _ = try? checkpoint.stateDict(checkpoint.root, what: "root")
    }
    return 0
}
