import Foundation
import SERFeatures
import SERModels

extension TrainingConfiguration {
    /// The model-file description of a network trained with this configuration: its classes, its
    /// architecture and its whole input pipeline (16 kHz, log-mel settings, channels, per-utterance and
    /// speaker normalisation), with `provenance` (e.g. the epoch and validation UA of the kept weights).
    /// - Parameter wav2vec: the wav2vec model's configuration, for a classifier on wav2vec features.
    /// - Parameter functionals: the trained classifier of a functionals configuration (its member holds the
    ///   classifier's settings; see ``EmotionModelMember/init(functionals:weight:)``).
    public func modelDescription(wav2vec: Wav2VecConfig? = nil, functionals classifier: FunctionalsClassifier? = nil,
                                 provenance: [String: String] = [:]) throws -> EmotionModelDescription {
        modelDescription(members: [try modelMember(wav2vec: wav2vec, functionals: classifier)], provenance: provenance)
    }

    /// The model-file member of the network (or functionals classifier) this configuration trains; see
    /// ``modelDescription(wav2vec:functionals:provenance:)``. Its weight is 1.
    public func modelMember(wav2vec: Wav2VecConfig? = nil, functionals classifier: FunctionalsClassifier? = nil) throws -> EmotionModelMember {
        let member: EmotionModelMember
        if self.functionals != nil {
            guard let classifier else {
                throw TrainingError.invalidConfiguration("a model file of a functionals configuration needs the trained classifier")
            }
            guard classifier.classes == classes else {
                throw TrainingError.invalidConfiguration("the classifier's classes \(classifier.classes) are not the configuration's \(classes)")
            }
            member = EmotionModelMember(functionals: classifier)
        } else if let w = wav2vecClassifier {
            switch w.input {
            case .logMel:
                member = EmotionModelMember(kind: .wav2vecClassifier,
                                            input: EmotionModelInput(frames: .logMel, channels: [.spectrogram], logMel: logMel,
                                                                     normalization: normalization),
                                            wav2vecClassifier: w.classifier)
            case .wav2vec:
                guard let wav2vec else {
                    throw TrainingError.invalidConfiguration("a model file of a classifier on wav2vec features needs the wav2vec configuration")
                }
                member = EmotionModelMember(kind: .wav2vecClassifier,
                                            input: EmotionModelInput(frames: .wav2vec, normalization: normalization),
                                            wav2vecClassifier: w.classifier, wav2vec: wav2vec)
            }
        } else {
            member = EmotionModelMember(kind: .strfnet,
                                        input: EmotionModelInput(frames: .logMel, channels: try featureChannels(), logMel: logMel,
                                                                 normalization: normalization,
                                                                 speakerNormalization: speakerNormalization ? .perRecording : .none),
                                        strfnet: model)
        }
        return member
    }

    /// A description of `members` with this configuration's classes, at 16 kHz, with `provenance` and the
    /// configuration's JSON (`training_configuration`).
    public func modelDescription(members: [EmotionModelMember], provenance: [String: String]) -> EmotionModelDescription {
        var origin = provenance
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let json = try? encoder.encode(self) { origin["training_configuration"] = String(decoding: json, as: UTF8.self) }
        var description = EmotionModelDescription(classes: classes, sampleRate: UtteranceStore.sampleRate, members: members, provenance: origin)
        description.silenceTrimming = silenceTrimming
        return description
    }
}
