import Foundation
import FuzzDriver
import SERTraining

/// The manifest reader: CSV syntax (quotes, line endings, UTF-8) and the manifest's columns and values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifestCSV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    _ = try? CSV.parse(data, source: "fuzz.csv")
    if let manifest = try? Manifest.parse(data, source: "fuzz.csv", baseDirectory: URL(fileURLWithPath: "/nonexistent")) {
        // What was read can be written and read back to the same rows.
        let text = manifest.csvText(relativeTo: nil)
        let again = try? Manifest.parse(text, source: "again.csv", baseDirectory: manifest.baseDirectory)
        precondition(again?.entries == manifest.entries, "a manifest does not survive writing and reading back")
        _ = ManifestValidator(checkAudio: false).validate(manifest)
    }
    return 0
}

/// The executable's entry point (SwiftPM aliases `main` to it): libFuzzer's driver on ``fuzzManifestCSV(_:_:)``.
@_cdecl("FuzzManifestCSV_main")
public func fuzzManifestCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzManifestCSV(data, size)
    }
}
