import Foundation
import SERAudio
import SERFeatures
import SERTensor

/// Emotion classification of recordings with a trained model file: load once, classify many.
///
/// ```swift
/// let recognizer = try EmotionRecognizer(contentsOf: URL(fileURLWithPath: "model.safetensors"))
/// let prediction = try recognizer.classify(contentsOf: URL(fileURLWithPath: "speech.wav"))
/// print(prediction.label, prediction.posteriors)
/// ```
///
/// **What `classify` does.** The audio (any rate; files in any format libsndfile reads, channels
/// averaged) is resampled to the model's rate (16 kHz) and cut into overlapping analysis windows
/// (``AnalysisWindows``: 3 s every 1 s by default, the length the models were trained on; a recording no
/// longer than one window is one window). Each member's input pipeline turns a window into features (log-mel
/// channels, the pitch-pulse signal computed once on the whole recording, or wav2vec features, each with the
/// normalisation the model was trained with; a per-recording speaker normalisation takes its statistics over
/// all windows of the recording first), the network gives class posteriors, the members' posteriors are
/// combined, and the recording's posteriors are the **mean of its window posteriors**. Windows are processed
/// ``batchSize`` at a time, so memory does not grow with the length of the recording beyond the audio itself.
///
/// **Functionals members** (``FunctionalsMemberPredictor``) classify the whole recording from its utterance
/// functionals (their posteriors count for every window; a model of functionals members only has one window, the
/// whole recording). One that standardises functionals per speaker needs one speaker's recordings together
/// (``classify(oneSpeaker:sources:windows:)``); ``classify(_:windows:)`` refuses it with
/// ``EmotionModelError/speakerRecordingsNeeded(source:given:minimum:)``.
///
/// **Warnings, not errors.** Silent audio (peak below ``silencePeakDBFS``) and recordings shorter than
/// ``minimumReliableSeconds`` are still classified, with a ``EmotionPrediction/warnings`` entry. Empty audio,
/// NaN samples, and a NaN posterior are errors (``EmotionModelError``).
///
/// Not thread-safe: use one recogniser per thread.
public final class EmotionRecognizer: UtterancePredictor {
    /// What the model file says about itself.
    public let modelDescription: EmotionModelDescription
    /// Where the model came from (its file path, or a name given in memory); used in messages.
    public let source: String
    /// The member networks (in evaluation mode), in ``EmotionModelDescription/members`` order.
    public let networks: [Module]
    /// Analysis windows classified per forward pass.
    public var batchSize = 16
    private let members: [UtterancePredictor]

    /// Recordings shorter than this (seconds) get a ``EmotionPredictionWarning/tooShort(seconds:minimumSeconds:)``
    /// warning: below 1 s (100 feature frames) there is too little speech to judge, and the networks were trained
    /// on 2.5–3 s segments. Shorter recordings are still classified.
    public static let minimumReliableSeconds = 1.0
    /// Recordings whose loudest sample is below this level (dB relative to full scale) get a
    /// ``EmotionPredictionWarning/silent(peakDBFS:)`` warning.
    public static let silencePeakDBFS = -60.0

    /// Loads a model file written by training (`model.safetensors`) or by ``EmotionModelFile/write(_:members:to:)``.
    /// - Throws: ``EmotionModelError``: not a model file, an invalid description, a member of a kind this version
    ///   cannot run, weights that do not fit, or a weight that is NaN or infinite (naming the tensor).
    /// - Parameter functionalsProvider: where a functionals member gets its functionals (nil: SwiftSER's
    ///   extractor for the member's feature set; a model trained on a table of functionals needs the table).
    public convenience init(contentsOf url: URL, functionalsProvider: FunctionalsProvider? = nil) throws {
        let (description, tensors) = try EmotionModelFile.read(from: url)
        try description.validate(file: url.path)
        for name in tensors.keys.sorted() where !(tensors[name]?.isAllFinite ?? true) {
            throw EmotionModelError.nonFiniteWeight(file: url.path, tensor: name)
        }
        var networks = [Module]()
        for (i, member) in description.members.enumerated() {
            let prefix = EmotionModelDescription.tensorPrefix(member: i) + "."
            var own = [String: Tensor]()
            for (name, t) in tensors where name.hasPrefix(prefix) { own[String(name.dropFirst(prefix.count))] = t }
            // A functionals classifier's shapes depend on its training data: it is built from its own tensors.
            let module = member.knownKind == .functionals
                ? try FunctionalsClassifierModule(decoding: own, metadata: member.functionals ?? [:], member: i, file: url.path)
                : try Self.makeNetwork(member, index: i, file: url.path)
            do { try module.loadStateDict(own, strict: true) } catch {
                throw EmotionModelError.weightsMismatch(file: url.path, member: i, reason: "\(error)")
            }
            networks.append(module)
        }
        let claimed = Set(networks.indices.map { EmotionModelDescription.tensorPrefix(member: $0) + "." })
        if let stray = tensors.keys.sorted().first(where: { name in !claimed.contains { name.hasPrefix($0) } }) {
            throw EmotionModelError.invalidDescription(file: url.path, problem: "tensor '\(stray)' belongs to no member")
        }
        try self.init(description: description, networks: networks, source: url.path, functionalsProvider: functionalsProvider)
    }

    /// A recogniser over networks in memory (e.g. just trained), described by `description`.
    /// - Parameter networks: member `i`'s network: an ``STRFNet``, a ``Wav2VecClassifier`` (on log-mel), a
    ///   ``Wav2VecEmotionModel`` (on wav2vec features), or a ``FunctionalsClassifierModule``; put in evaluation mode.
    /// - Parameter functionalsProvider: as in ``init(contentsOf:functionalsProvider:)``.
    /// - Throws: ``EmotionModelError/invalidDescription(file:problem:)`` when a network does not fit its member.
    public init(description: EmotionModelDescription, networks: [Module], source: String = "<memory>",
                functionalsProvider: FunctionalsProvider? = nil) throws {
        try description.validate(file: source)
        guard networks.count == description.members.count else {
            throw EmotionModelError.invalidDescription(file: source, problem: "\(description.members.count) members described, \(networks.count) networks given")
        }
        self.modelDescription = description
        self.source = source
        self.networks = networks
        members = try zip(description.members, networks).enumerated().map { i, pair in
            try Self.makePredictor(pair.0, network: pair.1, index: i, classes: description.classes, file: source,
                                   functionalsProvider: functionalsProvider)
        }
        for n in networks { n.eval() }
    }

    /// Class names in output order.
    public var classes: [String] { modelDescription.classes }
    /// The sample rate (Hz) the model reads; other audio is resampled to it.
    public var sampleRate: Int { modelDescription.sampleRate }
    /// Whether a member reads the pitch-pulse signal.
    public var needsPitchPulses: Bool { members.contains { $0.needsPitchPulses } }
    /// Whether recordings must be classified in groups of one speaker's recordings
    /// (``classify(oneSpeaker:sources:windows:)``): a member standardises functionals per speaker.
    public var needsSpeakerGroups: Bool { members.contains { ($0 as? FunctionalsMemberPredictor)?.needsSpeakerGroups ?? false } }

    /// Whether every member classifies whole recordings (functionals classifiers): a recording is then one
    /// window, whatever the analysis windows say.
    public var classifiesWholeRecordings: Bool { members.allSatisfy { $0 is FunctionalsMemberPredictor } }

    /// Fewer recordings of one speaker than this are refused by a model that standardises functionals per
    /// speaker: one recording standardised by its own statistics is all zeros.
    public static let minimumSpeakerRecordings = 2
    /// Fewer recordings of one speaker than this give a ``EmotionPredictionWarning/fewSpeakerRecordings(count:recommended:)``
    /// warning (EmoDB's speakers have 30–70 utterances each; training used all of them).
    public static let recommendedSpeakerRecordings = 10

    /// Checks that every member computes its input from audio (``classify(_:windows:)`` and the other
    /// recording methods check it first; whole-utterance ``posteriors(_:)`` need not).
    /// - Throws: ``EmotionModelError/featuresNotFromAudio(file:featureSet:)`` for a functionals member on a table
    ///   of precomputed functionals (even with the table as provider: its rows belong to files, not to audio).
    public func checkClassifiesAudio() throws {
        for case let f as FunctionalsMemberPredictor in members where !f.computesFromAudio {
            throw EmotionModelError.featuresNotFromAudio(file: source, featureSet: f.classifier.featureSet)
        }
    }

    // MARK: Recordings

    /// Classifies a recording (any sample rate) with windows of `windows` (default 3 s every 1 s).
    /// - Throws: ``EmotionModelError``: empty or non-finite audio, a resampling or feature error, a NaN posterior.
    ///   ``EmotionModelError/speakerRecordingsNeeded(source:given:minimum:)`` for a model that standardises
    ///   functionals per speaker (use ``classify(oneSpeaker:sources:windows:)``).
    public func classify(_ audio: AudioBuffer, windows: AnalysisWindows = .standard) throws -> EmotionPrediction {
        try analyse(try prepare(audio, source: "the recording"), windows: windows)
    }

    /// Classifies recordings of **one speaker** together. A member that standardises functionals per speaker
    /// takes that speaker's statistics over all of them (as training did over each speaker's utterances);
    /// every other member classifies each recording as ``classify(_:windows:)`` does.
    /// - Parameter sources: names for messages (default `recording 1`, `recording 2`, …).
    /// - Returns: one prediction per recording, in order; with per-speaker functionals and fewer than
    ///   ``recommendedSpeakerRecordings`` recordings each carries a warning.
    /// - Throws: ``EmotionModelError/speakerRecordingsNeeded(source:given:minimum:)`` with fewer than
    ///   ``minimumSpeakerRecordings`` recordings (for such a model); the errors of ``classify(_:windows:)``.
    public func classify(oneSpeaker recordings: [AudioBuffer], sources: [String]? = nil,
                         windows: AnalysisWindows = .standard) throws -> [EmotionPrediction] {
        let names = sources ?? recordings.indices.map { "recording \($0 + 1)" }
        guard names.count == recordings.count else {
            throw EmotionModelError.audio(source: "classify(oneSpeaker:)", reason: "\(names.count) source names for \(recordings.count) recordings")
        }
        var prepared = try zip(recordings, names).map { try prepare($0, source: $1) }
        var fixed = [Int: [[Double]]]()
        for (m, member) in members.enumerated() {
            guard let f = member as? FunctionalsMemberPredictor, f.needsSpeakerGroups else { continue }
            guard prepared.count >= Self.minimumSpeakerRecordings else {
                throw EmotionModelError.speakerRecordingsNeeded(source: names.first ?? source, given: prepared.count, minimum: Self.minimumSpeakerRecordings)
            }
            // One speaker: every recording carries the same speaker name.
            fixed[m] = try f.posteriors(prepared.map { $0.utterance(speaker: "speaker") })
        }
        if !fixed.isEmpty && prepared.count < Self.recommendedSpeakerRecordings {
            for i in prepared.indices {
                prepared[i].warnings.append(.fewSpeakerRecordings(count: prepared.count, recommended: Self.recommendedSpeakerRecordings))
            }
        }
        return try prepared.indices.map { r in try analyse(prepared[r], windows: windows, fixed: fixed.mapValues { $0[r] }) }
    }

    /// Reads and classifies an audio file (any format libsndfile decodes; channels are averaged to mono).
    /// - Throws: the reading error (``AudioError``, naming the file) or those of ``classify(_:windows:)``, naming the file.
    public func classify(contentsOf url: URL, windows: AnalysisWindows = .standard) throws -> EmotionPrediction {
        let buffer = try AudioFile.read(url).buffer
        return try analyse(try prepare(buffer, source: url.path), windows: windows)
    }

    /// The posteriors of a recording over time: one point per analysis window of `window` seconds every `hop`
    /// seconds (defaults 3 s and 1 s; see ``AnalysisWindows`` for how the end of the recording is covered).
    public func timeline(_ audio: AudioBuffer, window: Double = 3, hop: Double = 1) throws -> EmotionTimeline {
        try classify(audio, windows: try AnalysisWindows(windowSeconds: window, hopSeconds: hop)).timeline
    }

    /// A recording checked, resampled to the model's rate, with its pitch pulses (for members that read them)
    /// and its warnings.
    struct Prepared {
        var source: String
        /// The samples the members read (after the model's silence trimming, if any).
        var samples: [Float]
        var pitchPulses: [Float]?
        /// The whole recording's duration, seconds.
        var duration: Double
        /// Where ``samples`` start in the recording, seconds (the leading silence trimmed).
        var offset: Double = 0
        var warnings: [EmotionPredictionWarning]

        /// The whole recording as one utterance of `speaker`.
        func utterance(speaker: String) -> Utterance {
            Utterance(path: source, label: 0, speaker: speaker, samples: samples, pitchPulses: pitchPulses)
        }
    }

    private func prepare(_ audio: AudioBuffer, source: String) throws -> Prepared {
        try checkClassifiesAudio()
        guard !audio.isEmpty else { throw EmotionModelError.emptyAudio(source: source) }
        if let bad = audio.samples.firstIndex(where: { !$0.isFinite }) { throw EmotionModelError.nonFiniteAudio(source: source, sample: bad) }
        var warnings = [EmotionPredictionWarning]()
        let peak = audio.samples.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
        let peakDB = peak > 0 ? 20 * log10(Double(peak)) : -Double.infinity
        if peakDB < Self.silencePeakDBFS { warnings.append(.silent(peakDBFS: peakDB)) }
        if audio.duration < Self.minimumReliableSeconds {
            warnings.append(.tooShort(seconds: audio.duration, minimumSeconds: Self.minimumReliableSeconds))
        }
        var buffer = audio
        if buffer.sampleRate != sampleRate {
            do { try buffer.resample(to: sampleRate) } catch {
                throw EmotionModelError.audio(source: source, reason: "resampling from \(audio.sampleRate) Hz to \(sampleRate) Hz: \(error)")
            }
        }
        guard !buffer.samples.isEmpty else { throw EmotionModelError.emptyAudio(source: source) }
        let kept = modelDescription.silenceTrimming?.keptRange(buffer.samples) ?? buffer.samples.indices
        let samples = kept.count == buffer.samples.count ? buffer.samples : Array(buffer.samples[kept])
        let pulses: [Float]?
        do {
            pulses = needsPitchPulses ? try PitchPulseExtraction.signal(samples: samples, sampleRate: Double(sampleRate)) : nil
        } catch {
            throw EmotionModelError.audio(source: source, reason: "pitch pulses: \(error)")
        }
        return Prepared(source: source, samples: samples, pitchPulses: pulses, duration: buffer.duration,
                        offset: Double(kept.lowerBound) / Double(sampleRate), warnings: warnings)
    }

    /// `utterances` as the members read them: without leading and trailing silence when the model trims it
    /// (pitch-pulse signals cut to the same span).
    private func membersInput(_ utterances: [Utterance]) -> [Utterance] {
        guard let trimming = modelDescription.silenceTrimming else { return utterances }
        return utterances.map { u in
            let kept = trimming.keptRange(u.samples)
            guard kept.count != u.samples.count else { return u }
            return Utterance(path: u.path, label: u.label, speaker: u.speaker, samples: Array(u.samples[kept]),
                             pitchPulses: u.pitchPulses.map { Array($0[kept]) })
        }
    }

    /// Classifies a prepared recording. Windowed members classify each window; a functionals member the whole
    /// recording (its posteriors count for every window; a model of functionals members only has one window, the
    /// whole recording). `fixed[m]`: member `m`'s posteriors already computed (per-speaker functionals).
    private func analyse(_ recording: Prepared, windows: AnalysisWindows, fixed: [Int: [Double]] = [:]) throws -> EmotionPrediction {
        let samples = recording.samples, pulses = recording.pitchPulses, rate = sampleRate, source = recording.source
        let ranges = classifiesWholeRecordings ? [0..<samples.count] : windows.ranges(samples: samples.count, sampleRate: rate)
        guard !ranges.isEmpty else { throw EmotionModelError.emptyAudio(source: source) }
        func piece(_ r: Range<Int>) -> Utterance {
            Utterance(path: source, label: 0, speaker: "", samples: Array(samples[r]), pitchPulses: pulses.map { Array($0[r]) })
        }
        let k = classes.count
        var window = [[Double]](repeating: [Double](repeating: 0, count: k), count: ranges.count)
        let total = modelDescription.members.reduce(0) { $0 + $1.weight }
        for (m, (member, described)) in zip(members, modelDescription.members).enumerated() {
            let p: [[Double]]
            if let f = member as? FunctionalsMemberPredictor {
                let whole: [Double]
                if let given = fixed[m] {
                    whole = given
                } else {
                    guard !f.needsSpeakerGroups else {
                        throw EmotionModelError.speakerRecordingsNeeded(source: source, given: 1, minimum: Self.minimumSpeakerRecordings)
                    }
                    whole = try f.posteriors([recording.utterance(speaker: "")])[0]
                }
                p = Array(repeating: whole, count: ranges.count)
            } else {
                p = try windowPosteriors(member, ranges: ranges, piece: piece)
            }
            for w in ranges.indices { for c in 0..<k { window[w][c] += described.weight / total * p[w][c] } }
        }
        for (w, p) in window.enumerated() where !p.allSatisfy(\.isFinite) {
            throw EmotionModelError.nonFinitePosterior(source: source, startSeconds: Double(ranges[w].lowerBound) / Double(rate))
        }
        var mean = [Double](repeating: 0, count: k)
        for p in window { for c in 0..<k { mean[c] += p[c] } }
        for c in 0..<k { mean[c] /= Double(window.count) }
        let points = zip(ranges, window).map { r, p in
            EmotionTimeline.Point(start: recording.offset + Double(r.lowerBound) / Double(rate),
                                  end: recording.offset + Double(r.upperBound) / Double(rate), posteriors: p)
        }
        let best = mean.indices.max { mean[$0] < mean[$1] } ?? 0
        let frames = members.count == 1
            ? try members[0].frameTimeline(recording.utterance(speaker: ""), classes: classes)?.shifted(by: recording.offset) : nil
        return EmotionPrediction(label: classes[best], posteriors: mean, classes: classes, duration: recording.duration,
                                 timeline: EmotionTimeline(classes: classes, source: .windows, points: points),
                                 frameTimeline: frames, warnings: recording.warnings)
    }

    /// One member's posteriors of every window, ``batchSize`` windows at a time. With per-recording speaker
    /// normalisation a first pass over the windows gathers the recording's statistics.
    private func windowPosteriors(_ member: UtterancePredictor, ranges: [Range<Int>], piece: (Range<Int>) -> Utterance) throws -> [[Double]] {
        let chunks = stride(from: 0, to: ranges.count, by: batchSize).map { ranges[$0..<Swift.min($0 + batchSize, ranges.count)] }
        var predictor = member
        if var strfnet = member as? Predictor, strfnet.speakerNormalization {
            var accumulator = SpeakerNormalization.Accumulator(channels: strfnet.features.channels.count,
                                                               bands: strfnet.features.extractor.config.bandCount)
            for chunk in chunks {
                let batch = chunk.map(piece)
                let (x, mask) = try withNoGrad { try strfnet.features(batchOf: batch) }
                accumulator.add(x, mask: mask, speakers: batch.map(\.speaker))
            }
            strfnet.speakerStatistics = try accumulator.statistics()
            predictor = strfnet
        }
        var out = [[Double]]()
        out.reserveCapacity(ranges.count)
        for chunk in chunks { out += try predictor.posteriors(chunk.map(piece)) }
        return out
    }

    // MARK: Whole utterances

    /// Posteriors `[utterances][classes]` of whole utterances at the model's sample rate (no windows), e.g. a
    /// test set: each utterance classified whole; per-recording speaker normalisation takes each speaker's
    /// statistics over that speaker's utterances among those given. With the model's ``EmotionModelDescription/silenceTrimming``
    /// each utterance is trimmed first (give them untrimmed, as read from the files).
    public func posteriors(_ utterances: [Utterance]) throws -> [[Double]] {
        let k = classes.count
        var out = [[Double]](repeating: [Double](repeating: 0, count: k), count: utterances.count)
        let total = modelDescription.members.reduce(0) { $0 + $1.weight }
        let utterances = membersInput(utterances)
        for (member, described) in zip(members, modelDescription.members) {
            let p = try member.posteriors(utterances)
            for i in utterances.indices { for c in 0..<k { out[i][c] += described.weight / total * p[i][c] } }
        }
        return out
    }

    /// The predicted class of each whole utterance: a single member's own rule (a functionals SVM's pairwise
    /// vote, see ``FunctionalsMemberPredictor/predictedClasses(_:)``), otherwise the most probable class.
    public func predictedClasses(_ utterances: [Utterance]) throws -> [Int] {
        if members.count == 1 { return try members[0].predictedClasses(membersInput(utterances)) }
        return try posteriors(utterances).map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
    }

    /// The frame timeline of a single-member model with segment classifiers (nil otherwise).
    public func frameTimeline(_ utterance: Utterance, classes: [String]) throws -> EmotionTimeline? {
        guard members.count == 1 else { return nil }
        let offset = Double(modelDescription.silenceTrimming?.keptRange(utterance.samples).lowerBound ?? 0) / Double(sampleRate)
        return try members[0].frameTimeline(membersInput([utterance])[0], classes: classes)?.shifted(by: offset)
    }

    // MARK: Building members

    /// An untrained network of the member's architecture (weights to be loaded).
    static func makeNetwork(_ member: EmotionModelMember, index: Int, file: String) throws -> Module {
        var rng = RandomGenerator(seed: 0)
        do {
            switch member.knownKind {
            case .strfnet?:
                guard let c = member.strfnet else { break }
                return try STRFNet(c, rng: &rng)
            case .wav2vecClassifier?:
                guard let c = member.wav2vecClassifier else { break }
                let classifier = try Wav2VecClassifier(c, rng: &rng)
                guard member.input.frames == .wav2vec else { return classifier }
                guard let w = member.wav2vec else { break }
                return try Wav2VecEmotionModel(wav2vec: try Wav2VecModel(w, seed: 0), classifier: classifier, strategy: .none)
            case .functionals?, nil:
                break
            }
        } catch {
            throw EmotionModelError.invalidDescription(file: file, problem: "member \(index): \(error)")
        }
        throw EmotionModelError.invalidDescription(file: file, problem: "member \(index) cannot be built (validate the description first)")
    }

    /// The whole-utterance predictor of a member's network with its input pipeline.
    static func makePredictor(_ member: EmotionModelMember, network: Module, index: Int, classes: [String], file: String,
                              functionalsProvider: FunctionalsProvider?) throws -> UtterancePredictor {
        func fail(_ problem: String) -> EmotionModelError { .invalidDescription(file: file, problem: "member \(index): \(problem)") }
        let input = member.input
        func stack() throws -> FeatureStack {
            guard let logMel = input.logMel else { throw fail("no log-mel settings") }
            do { return try FeatureStack(channels: input.channels, logMel: logMel, normalization: input.normalization) } catch {
                throw fail("log-mel settings: \(error)")
            }
        }
        switch (member.knownKind, input.frames) {
        case (.strfnet?, _):
            guard let net = network as? STRFNet else { throw fail("kind strfnet needs an STRFNet, got \(type(of: network))") }
            var functionals: FunctionalsProvider?
            if let u = net.configuration.utteranceFunctionals {
                // Early fusion: the functionals of each utterance (or analysis window), computed from its audio.
                guard let provider = FunctionalsMemberPredictor.defaultProvider(featureSet: u.featureSet), provider.names.count == u.count else {
                    throw fail("the network reads \(u.count) utterance functionals of '\(u.featureSet)', which this version cannot compute from audio")
                }
                functionals = provider
            }
            return Predictor(model: net, features: try stack(), speakerNormalization: input.speakerNormalization == .perRecording,
                             functionals: functionals)
        case (.wav2vecClassifier?, .logMel):
            guard let net = network as? Wav2VecClassifier else { throw fail("a classifier on log-mel needs a Wav2VecClassifier, got \(type(of: network))") }
            return Wav2VecClassifierPredictor(classifier: net, frames: .logMel(try stack()))
        case (.wav2vecClassifier?, .wav2vec):
            guard let net = network as? Wav2VecEmotionModel else {
                throw fail("a classifier on wav2vec features needs a Wav2VecEmotionModel (wav2vec and classifier), got \(type(of: network))")
            }
            return Wav2VecClassifierPredictor(classifier: net.classifier,
                                              frames: .wav2vec(Wav2VecFeatureStore(model: net.wav2vec, memoize: false),
                                                               utteranceNormalization: input.normalization == .utterance))
        case (.wav2vecClassifier?, .functionals):
            throw fail("a classifier reads log-mel or wav2vec frames")
        case (.functionals?, _):
            guard let module = network as? FunctionalsClassifierModule else {
                throw fail("kind functionals needs a FunctionalsClassifierModule, got \(type(of: network))")
            }
            guard module.classifier.encoded().metadata == member.functionals else {
                throw fail("the classifier's settings are not the member's 'functionals'")
            }
            guard module.classifier.classes == classes else {
                throw fail("the classifier's classes \(module.classifier.classes) are not the model's \(classes)")
            }
            return try FunctionalsMemberPredictor(classifier: module.classifier, provider: functionalsProvider, source: file)
        case (nil, _):
            throw EmotionModelError.unsupportedMemberKind(file: file, member: index, kind: member.kind,
                                                          known: EmotionModelMember.Kind.allCases.map(\.rawValue))
        }
    }
}

extension Tensor {
    /// Whether no element is NaN or infinite.
    var isAllFinite: Bool {
        dtype == .float64 ? doubles.allSatisfy(\.isFinite) : scalars.allSatisfy(\.isFinite)
    }
}
