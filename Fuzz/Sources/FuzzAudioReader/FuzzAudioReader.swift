import Foundation
import FuzzDriver
import SERAudio

/// The audio reader (libsndfile behind SERAudio's RIFF integrity check): the input is written to a
/// file, whose header is read (`AudioFileInfo`) and then every sample (`AudioFile.read`). Any input
/// must give a buffer or a typed error, never a crash.
private let scratch: URL = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftser-fuzz-audio-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("input.wav")
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudioReader(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    guard (try? data.write(to: scratch)) != nil else { return 0 }
    _ = try? AudioFileInfo(contentsOf: scratch)
    if let (_, buffer) = try? AudioFile.read(scratch) {
        precondition(buffer.samples.allSatisfy(\.isFinite), "the reader returned a non-finite sample")
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzAudioReader(_:_:)``.
@_cdecl("FuzzAudioReader_main")
public func fuzzAudioReaderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzAudioReader(data, size)
    }
}
