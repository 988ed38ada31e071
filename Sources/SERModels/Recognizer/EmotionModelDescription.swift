import Foundation
import SERAudio
import SERFeatures

/// What a model file (`model.safetensors`, see ``EmotionModelFile``) says about itself: the classes,
/// the input pipeline and architecture of each member, and how member posteriors are combined. Stored
/// as JSON in the file's metadata; its weights are the file's tensors.
///
/// **Members.** A model has one or more members, each a trained network with its own input pipeline;
/// their class posteriors are combined by ``combination``. Training writes one member for a single
/// network or classifier, several for an ensemble or a late fusion (SERTraining's `CombinedTraining`). Each member has a ``EmotionModelMember/kind``; a file naming a kind this version does
/// not know (e.g. a fusion with a classifier added by a later version) is refused when loaded, with
/// the kinds it knows, rather than being run wrongly.
///
/// JSON (format version 1):
///
/// ```json
/// { "formatVersion": 1, "classes": ["neutral", "happy", "sad", "angry"], "sampleRate": 16000,
///   "combination": "mean",
///   "members": [ { "kind": "strfnet", "weight": 1,
///                  "input": { "frames": "log-mel", "channels": ["spectrogram"], "logMel": { … },
///                             "normalization": "level", "speakerNormalization": "per-recording" },
///                  "strfnet": { … STRFNetConfiguration … } } ],
///   "provenance": { "epoch": "7", "validation_ua": "0.81" } }
/// ```
///
/// A functionals classifier member (kind `functionals`) reads the whole recording's utterance functionals:
///
/// ```json
/// { "kind": "functionals", "weight": 1,
///   "input": { "frames": "functionals", "channels": [], "normalization": "none", "speakerNormalization": "none" },
///   "functionals": { "kind": "svm", "kernel": "rbf", "gamma": "0.0113", "C": "1", "feature_set": "egemaps-v02",
///                    "classes": "[…]", "feature_names": "[…]", "speaker_standardization": "false", … } }
/// ```
///
/// Member `i`'s tensors are named `members.<i>.<its own parameter names>`.
public struct EmotionModelDescription: Codable, Equatable, Sendable {
    /// The newest format this version reads; files with a larger number are refused. Version 2 adds
    /// ``silenceTrimming``; a description without it is written as version 1, so older readers still load it.
    public static let currentFormatVersion = 2

    public var formatVersion: Int
    /// Class names in output order.
    public var classes: [String]
    /// The sample rate (Hz) every member reads; other audio is resampled to it.
    public var sampleRate: Int
    /// How the members' posteriors are combined.
    public var combination: Combination
    public var members: [EmotionModelMember]
    /// Where the model came from (free text, e.g. `epoch`, `validation_ua`, the training configuration).
    public var provenance: [String: String]
    /// Leading and trailing silence removed from every recording and utterance before any member reads it (nil:
    /// none), as in training (JSON key `silenceTrimming`, format version 2: setting it raises ``formatVersion`` to 2,
    /// so a reader that does not know it refuses the file instead of skipping the trim).
    public var silenceTrimming: SilenceTrimming? {
        didSet { if silenceTrimming != nil { formatVersion = Swift.max(formatVersion, 2) } }
    }

    /// How member posteriors become the model's posteriors.
    public enum Combination: String, Codable, Sendable {
        /// `Σ_m w_m p_m / Σ_m w_m` with the members' ``EmotionModelMember/weight``s.
        case mean
    }

    public init(classes: [String], sampleRate: Int, members: [EmotionModelMember], combination: Combination = .mean,
                provenance: [String: String] = [:]) {
        formatVersion = 1
        self.classes = classes
        self.sampleRate = sampleRate
        self.combination = combination
        self.members = members
        self.provenance = provenance
    }

    /// The tensor-name prefix of member `index` (`members.<index>`).
    public static func tensorPrefix(member index: Int) -> String { "members.\(index)" }

    /// Checks what loading needs: a known format version, at least two distinct classes, at least one
    /// member, every member of a known kind with the settings that kind needs.
    /// - Throws: ``EmotionModelError/invalidDescription(file:problem:)`` naming the member and setting.
    public func validate(file: String) throws {
        func fail(_ problem: String) -> EmotionModelError { .invalidDescription(file: file, problem: problem) }
        guard formatVersion >= 1 else { throw fail("format version \(formatVersion) is not a SwiftSER model format") }
        guard formatVersion <= Self.currentFormatVersion else {
            throw fail("format version \(formatVersion) is newer than this SwiftSER reads (\(Self.currentFormatVersion)); update SwiftSER")
        }
        guard classes.count >= 2, Set(classes).count == classes.count else { throw fail("needs at least two distinct class names, has \(classes)") }
        guard sampleRate > 0 else { throw fail("sample rate \(sampleRate) Hz is not positive") }
        if let t = silenceTrimming {
            guard formatVersion >= 2 else { throw fail("silenceTrimming needs format version 2, the file says \(formatVersion)") }
            do { try t.validate() } catch { throw fail("\(error)") }
        }
        guard !members.isEmpty else { throw fail("has no members") }
        for (i, m) in members.enumerated() { try m.validate(index: i, classes: classes.count, sampleRate: sampleRate, file: file) }
    }
}

/// One trained network of a model file, with its input pipeline.
public struct EmotionModelMember: Codable, Equatable, Sendable {
    /// The kinds of member this version runs.
    public enum Kind: String, CaseIterable, Sendable {
        /// An ``STRFNet`` on stacked log-mel channels (``EmotionModelMember/strfnet``).
        case strfnet
        /// The paper's ``Wav2VecClassifier`` on log-mel frames or on wav2vec features
        /// (``EmotionModelMember/wav2vecClassifier``; with wav2vec features also ``EmotionModelMember/wav2vec``).
        case wav2vecClassifier = "wav2vec-classifier"
        /// A ``FunctionalsClassifier`` (standardiser, then an SVM or a logistic regression) on the whole
        /// recording's utterance functionals (``EmotionModelMember/functionals``; tensors as
        /// ``FunctionalsClassifierModule``'s).
        case functionals
    }

    /// The member's kind, as written (a ``Kind`` raw value; other strings are refused by ``validate``).
    public var kind: String
    /// Weight in the ``EmotionModelDescription/Combination/mean`` (positive).
    public var weight: Double
    public var input: EmotionModelInput
    /// Architecture of a `strfnet` member.
    public var strfnet: STRFNetConfiguration?
    /// Architecture of a `wav2vec-classifier` member.
    public var wav2vecClassifier: Wav2VecClassifierConfiguration?
    /// The wav2vec model of a `wav2vec-classifier` member on wav2vec features; its weights are in the
    /// file under `members.<i>.wav2vec.` (the classifier's under `members.<i>.classifier.`).
    public var wav2vec: Wav2VecConfig?
    /// The classifier of a `functionals` member: ``FunctionalsClassifier/encoded()``'s metadata (`kind`,
    /// `kernel`, `gamma`, `C`, `classes`, `feature_names`, `feature_set`, `speaker_standardization`, `format`,
    /// `format_version`), checked with the member's tensors when the file is loaded.
    public var functionals: [String: String]?

    public init(kind: Kind, weight: Double = 1, input: EmotionModelInput, strfnet: STRFNetConfiguration? = nil,
                wav2vecClassifier: Wav2VecClassifierConfiguration? = nil, wav2vec: Wav2VecConfig? = nil,
                functionals: [String: String]? = nil) {
        self.kind = kind.rawValue
        self.weight = weight
        self.input = input
        self.strfnet = strfnet
        self.wav2vecClassifier = wav2vecClassifier
        self.wav2vec = wav2vec
        self.functionals = functionals
    }

    /// The kind, when this version knows it.
    public var knownKind: Kind? { Kind(rawValue: kind) }

    func validate(index i: Int, classes: Int, sampleRate: Int, file: String) throws {
        func fail(_ problem: String) -> EmotionModelError { .invalidDescription(file: file, problem: "member \(i): \(problem)") }
        guard let known = knownKind else {
            throw EmotionModelError.unsupportedMemberKind(file: file, member: i, kind: kind, known: Kind.allCases.map(\.rawValue))
        }
        guard weight > 0, weight.isFinite else { throw fail("weight \(weight) must be positive") }
        guard (input.frames == .functionals) == (known == .functionals) else {
            throw fail(known == .functionals ? "a functionals classifier reads 'input.frames' functionals" : "only a functionals member reads functionals")
        }
        guard input.speakerNormalization != .perSpeaker || known == .functionals else {
            throw fail("speaker normalisation 'per-speaker' is available for functionals members only")
        }
        if let logMel = input.logMel {
            do { try logMel.validate() } catch { throw fail("log-mel settings: \(error)") }
            guard Int(logMel.sampleRate) == sampleRate else {
                throw fail("log-mel settings are for \(logMel.sampleRate) Hz, the model reads \(sampleRate) Hz")
            }
        }
        switch known {
        case .strfnet:
            guard let net = strfnet else { throw fail("kind strfnet needs 'strfnet' (the architecture)") }
            do { try net.validate() } catch { throw fail("\(error)") }
            guard input.frames == .logMel, let logMel = input.logMel else { throw fail("an STRFNet reads log-mel frames ('input.logMel')") }
            guard input.speakerNormalization != .perSpeaker else { throw fail("an STRFNet normalises speakers 'per-recording' or not at all") }
            guard net.classes == classes else { throw fail("the network has \(net.classes) outputs for \(classes) classes") }
            guard net.inputChannels == input.channels.map(\.rawValue) else {
                throw fail("the network reads channels \(net.inputChannels), the input gives \(input.channels.map(\.rawValue))")
            }
            guard net.frequencyBins == logMel.bandCount else { throw fail("the network expects \(net.frequencyBins) bands, log-mel gives \(logMel.bandCount)") }
        case .wav2vecClassifier:
            guard let net = wav2vecClassifier else { throw fail("kind wav2vec-classifier needs 'wav2vecClassifier' (the architecture)") }
            do { try net.validate() } catch { throw fail("\(error)") }
            guard net.classes == classes else { throw fail("the classifier has \(net.classes) outputs for \(classes) classes") }
            guard input.speakerNormalization == .none else { throw fail("speaker normalisation is available for STRFNet members only") }
            switch input.frames {
            case .logMel:
                guard let logMel = input.logMel, input.channels == [.spectrogram] else {
                    throw fail("a classifier on log-mel reads one spectrogram channel with 'input.logMel'")
                }
                guard net.inputSize == logMel.bandCount else { throw fail("the classifier reads \(net.inputSize) features, log-mel gives \(logMel.bandCount) bands") }
            case .wav2vec:
                guard let w = wav2vec else { throw fail("a classifier on wav2vec features needs 'wav2vec' (the model configuration)") }
                guard sampleRate == Wav2VecModel.sampleRate else { throw fail("wav2vec reads \(Wav2VecModel.sampleRate) Hz audio, the model says \(sampleRate) Hz") }
                guard net.inputSize == w.contextChannels else { throw fail("the classifier reads \(net.inputSize) features, wav2vec gives \(w.contextChannels)") }
                guard input.normalization != .level else { throw fail("normalization 'level' applies to log-mel only") }
            case .functionals:
                throw fail("a classifier reads log-mel or wav2vec frames")
            }
        case .functionals:
            try validateFunctionals(classes: classes, sampleRate: sampleRate, fail: fail)
        }
    }
}

extension EmotionModelMember {
    /// The checks of a `functionals` member that need no tensors (the rest is checked with them at load).
    private func validateFunctionals(classes: Int, sampleRate: Int, fail: (String) -> EmotionModelError) throws {
        guard let meta = functionals else { throw fail("kind functionals needs 'functionals' (the classifier's settings)") }
        guard input.logMel == nil, input.channels.isEmpty, input.normalization == .none else {
            throw fail("a functionals classifier has no log-mel settings, channels or per-window normalisation")
        }
        let expected = meta["speaker_standardization"] == "true" ? EmotionModelInput.SpeakerNormalizationPolicy.perSpeaker : .none
        guard input.speakerNormalization == expected else {
            throw fail("speaker normalisation '\(input.speakerNormalization.rawValue)' does not match the classifier's "
                       + "speaker_standardization '\(meta["speaker_standardization"] ?? "")' (expected '\(expected.rawValue)')")
        }
        guard let names = meta["classes"].flatMap({ try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }), names.count == classes else {
            throw fail("the classifier's 'classes' must be a JSON array of the model's \(classes) classes")
        }
        if meta["feature_set"] == EGeMAPSFunctionalsProvider.featureSetName, sampleRate != EGeMAPSFunctionalsProvider.sampleRate {
            throw fail("eGeMAPS functionals are computed on \(EGeMAPSFunctionalsProvider.sampleRate) Hz audio, the model says \(sampleRate) Hz")
        }
    }
}

/// The input pipeline of a member: from audio at the model's sample rate to the network's input.
public struct EmotionModelInput: Codable, Equatable, Sendable {
    /// What the network reads.
    public enum Frames: String, Codable, Sendable {
        /// Stacked log-mel channels (``FeatureStack``) of ``EmotionModelInput/logMel``.
        case logMel = "log-mel"
        /// wav2vec context features (100 frames/s) of the member's wav2vec model.
        case wav2vec
        /// Utterance functionals of the whole recording (one vector per recording, no windows), of the
        /// feature set the member's classifier names (`egemaps-v02`: ``EGeMAPSFunctionalsProvider``).
        case functionals
    }

    /// How features are standardised per speaker (``SpeakerNormalization``).
    public enum SpeakerNormalizationPolicy: String, Codable, Sendable {
        case none
        /// Every recording classified is its own speaker: its features are standardised per channel and
        /// band with statistics over all of its analysis windows (after the per-window ``normalization``).
        /// Whole-utterance evaluation with speaker labels uses each speaker's utterances instead.
        case perRecording = "per-recording"
        /// Functionals standardised per speaker with statistics over several recordings of that speaker: a
        /// recording alone cannot be classified; ``EmotionRecognizer/classify(oneSpeaker:windows:)`` takes one
        /// speaker's recordings together, and whole-utterance evaluation uses each speaker's utterances.
        case perSpeaker = "per-speaker"
    }

    public var frames: Frames
    /// Log-mel channels in order (log-mel input; empty for wav2vec).
    public var channels: [FeatureChannel]
    /// Log-mel settings (log-mel input; nil for wav2vec).
    public var logMel: LogMelConfig?
    /// Per-utterance normalisation of each analysis window's features (for wav2vec features only
    /// `none` and `utterance`: zero mean, unit variance per feature over the window's frames).
    public var normalization: FeatureNormalization
    public var speakerNormalization: SpeakerNormalizationPolicy

    public init(frames: Frames, channels: [FeatureChannel] = [], logMel: LogMelConfig? = nil,
                normalization: FeatureNormalization = .none, speakerNormalization: SpeakerNormalizationPolicy = .none) {
        self.frames = frames
        self.channels = channels
        self.logMel = logMel
        self.normalization = normalization
        self.speakerNormalization = speakerNormalization
    }
}
