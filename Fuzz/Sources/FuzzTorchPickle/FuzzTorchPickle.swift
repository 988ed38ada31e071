import Foundation
import FuzzDriver
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

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzTorchPickle(_:_:)``.
@_cdecl("FuzzTorchPickle_main")
public func fuzzTorchPickleMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzTorchPickle(data, size)
    }
}
