import Foundation
import FuzzDriver
import SERTensor

/// The `.npy` reader: magic, version, header dictionary, dtype, shape and data length.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    if let t = try? Npy.decode(data), let back = try? Npy.decode(Npy.encode(t)) {
        precondition(back.shape == t.shape, "npy round trip changed the shape")
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzNpy(_:_:)``.
@_cdecl("FuzzNpy_main")
public func fuzzNpyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzNpy(data, size)
    }
}
