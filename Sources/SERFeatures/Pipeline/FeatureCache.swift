import Foundation
import SERTensor

/// A disk cache for fixed (non-learned) features, so repeated training runs don't recompute them.
///
/// Entries are keyed by a 64-bit FNV-1a hash of the input samples' bytes together with a settings
/// string (any change of algorithm or parameters must change the string). Each entry is a `.npy`
/// file written atomically; one that cannot be read, or whose length is wrong, is recomputed and
/// rewritten rather than trusted.
public final class FeatureCache: @unchecked Sendable {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The cache key of `samples` under `settings`.
    public static func key(_ samples: [Float], settings: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for b in settings.utf8 { mix(b) }
        samples.withUnsafeBytes { raw in for b in raw { mix(b) } }
        return String(format: "%016llx-%d", h, samples.count)
    }

    /// The cached values for `samples` (same length as `samples`' result from `compute`), computing
    /// and storing them when absent or unreadable.
    public func values(for samples: [Float], settings: String, expectedCount: Int? = nil,
                       compute: () throws -> [Float]) throws -> [Float] {
        let url = directory.appendingPathComponent(FeatureCache.key(samples, settings: settings) + ".npy")
        if let t = try? Npy.read(from: url), expectedCount.map({ t.count == $0 }) ?? true, t.scalars.allSatisfy(\.isFinite) {
            return t.scalars
        }
        let v = try compute()
        try? Npy.write(Tensor(shape: [v.count], data: v), to: url)   // a failed cache write only costs a recompute
        return v
    }
}
