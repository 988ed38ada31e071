import CSndFile
import Foundation

/// An open libsndfile handle for reading (internal). Opening validates the file and maps every
/// libsndfile failure to an ``AudioError``; the handle is closed when the reader goes away.
///
/// Not shared between threads: libsndfile handles are not thread-safe. (libsndfile's error for a
/// failed `sf_open` is process-global, so concurrent failing opens may report each other's message;
/// the error *case* is still decided per file.)
final class SndFileReader {
    let path: String
    let handle: OpaquePointer
    let info: SF_INFO

    /// Opens `url` for reading.
    /// - Throws: ``AudioError/fileNotFound(path:)``, ``AudioError/unreadable(path:reason:)``,
    ///   ``AudioError/unsupportedFormat(path:reason:)``, ``AudioError/truncated(path:reason:)``.
    init(url: URL) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioError.fileNotFound(path: path)
        }
        if isDirectory.boolValue {
            throw AudioError.unreadable(path: path, reason: "it is a directory")
        }
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            let code = Int(sf_error(nil))
            let message = String(cString: sf_strerror(nil))
            switch code {
            case SF_ERR_UNRECOGNISED_FORMAT, SF_ERR_UNSUPPORTED_ENCODING:
                throw AudioError.unsupportedFormat(path: path, reason: message)
            default:
                throw AudioError.unreadable(path: path, reason: message)
            }
        }
        self.path = path
        self.handle = handle
        self.info = info
        // From here on `deinit` closes the handle, also when a check below throws.
        guard info.channels > 0 else {
            throw AudioError.unreadable(path: path, reason: "header declares \(info.channels) channels")
        }
        guard info.samplerate > 0 else {
            throw AudioError.unreadable(path: path, reason: "header declares a sample rate of \(info.samplerate) Hz")
        }
        guard info.frames >= 0 else {
            throw AudioError.unreadable(path: path, reason: "header declares \(info.frames) frames")
        }
        let major = Int(info.format) & SF_FORMAT_TYPEMASK
        if major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX {
            try RIFFIntegrity.check(path: path)
        }
    }

    deinit { sf_close(handle) }

    /// Number of interleaved channels.
    var channels: Int { Int(info.channels) }

    /// The frame count the header declares (`Int64.max` when the length is unknown).
    var declaredFrames: Int64 { info.frames }

    /// Reads up to `frames` frames into `buffer` (interleaved, `frames * channels` floats, normalised so
    /// integer full scale is ±1). Returns the number of frames read; 0 at the end of the file.
    func readFrames(into buffer: UnsafeMutablePointer<Float>, frames: Int) -> Int {
        Int(sf_readf_float(handle, buffer, sf_count_t(frames)))
    }

    /// libsndfile's error message for this handle, or nil when there is no error.
    var pendingError: String? {
        guard sf_error(handle) != 0 else { return nil }
        return String(cString: sf_strerror(handle))
    }
}
