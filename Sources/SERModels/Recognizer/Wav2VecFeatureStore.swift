import Foundation
import SERFeatures
import SERTensor

/// wav2vec context features c of whole utterances from a frozen model (fine-tuning `none`), computed
/// once per utterance without gradients in evaluation mode (so with the fast inference kernels, see
/// ``Wav2VecModel/features(_:)``) and kept in memory; with a ``FeatureCache`` also on disk, keyed by the
/// samples and the model's ``fingerprint``, so later runs with the same model skip the extraction.
///
/// Utterances are identified by path and samples, so the same store serves every fold of a
/// cross-validation. A store built with `memoize: false` computes afresh every time (for a model whose
/// weights change during fine-tuning).
public final class Wav2VecFeatureStore {
    public let model: Wav2VecModel
    /// A hash of the model's configuration and weights (16 hex digits; computed on first use).
    public private(set) lazy var fingerprint: String = model.fingerprint()
    public let cache: FeatureCache?
    public let memoize: Bool
    private struct Key: Hashable { var path: String; var samples: [Float] }
    private var memo: [Key: Tensor] = [:]

    public init(model: Wav2VecModel, cache: FeatureCache? = nil, memoize: Bool = true) {
        self.model = model
        self.cache = cache
        self.memoize = memoize
    }

    /// Feature channels (the model's context channels).
    public var channels: Int { model.config.contextChannels }

    /// Seconds between feature frames (the encoder's total stride at 16 kHz; 0.01 for wav2vec).
    public var frameSeconds: Double {
        Double(model.config.encoderHop) / Double(Wav2VecModel.sampleRate)
    }

    /// c of `utterance` as `[frames, channels]` (float32). Audio shorter than the encoder's receptive
    /// field is zero-padded to it (one frame).
    /// - Throws: ``EmotionModelError/audio(source:reason:)`` when wav2vec fails on the utterance.
    public func features(_ utterance: Utterance) throws -> Tensor {
        let key = Key(path: utterance.path, samples: utterance.samples)
        if memoize, let t = memo[key] { return t }
        var samples = utterance.samples
        let minimum = model.config.encoderReceptiveField
        if samples.count < minimum { samples += [Float](repeating: 0, count: minimum - samples.count) }
        let frames = contextFrames(samples: samples.count), c = channels
        let compute = { [model] () throws -> [Float] in
            let wasTraining = model.isTraining
            model.eval()
            defer { model.train(wasTraining) }
            let out = try withNoGrad { try model.features(Tensor(shape: [1, samples.count], data: samples)).c }  // [1, C, T]
            return out.squeezed(0).permuted([1, 0]).scalars
        }
        let values: [Float]
        do {
            if let cache, memoize {
                values = try cache.values(for: samples, settings: "wav2vec-c-v1-\(fingerprint)", expectedCount: frames * c, compute: compute)
            } else {
                values = try compute()
            }
        } catch {
            throw EmotionModelError.audio(source: utterance.path, reason: "wav2vec features: \(error)")
        }
        let t = Tensor(shape: [values.count / c, c], data: values)
        if memoize { memo[key] = t }
        return t
    }

    /// Computes (or finds) the features of every utterance, reporting progress as (done, total).
    public func prefetch(_ utterances: [Utterance], progress: (Int, Int) -> Void = { _, _ in }) throws {
        for (i, u) in utterances.enumerated() {
            _ = try features(u)
            progress(i + 1, utterances.count)
        }
    }

    /// Frames of c for `samples` samples: the encoder's frames through the causally padded aggregator.
    public func contextFrames(samples: Int) -> Int {
        model.config.contextFrameCount(frames: model.config.frameCount(samples: samples))
    }

    /// Utterances in memory.
    public var count: Int { memo.count }
}

extension Wav2VecModel {
    /// A 64-bit FNV-1a hash (16 hex digits) of the configuration JSON and every parameter and buffer
    /// (sorted by name, float32 bytes): equal for the same model however it was loaded (SwiftSER file
    /// or fairseq import), different when any weight differs.
    public func fingerprint() -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for b in configJSON.utf8 { mix(b) }
        for (name, t) in stateDict().sorted(by: { $0.key < $1.key }) {
            for b in name.utf8 { mix(b) }
            let f = t.dtype == .float32 ? t : t.to(.float32)
            f.withUnsafeBuffer(Float.self) { buffer in
                UnsafeRawBufferPointer(buffer).withMemoryRebound(to: UInt8.self) { bytes in for b in bytes { mix(b) } }
            }
        }
        return String(format: "%016llx", h)
    }
}
