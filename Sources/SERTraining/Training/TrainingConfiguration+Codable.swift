import Foundation
import SERAudio
import SERFeatures
import SERModels

/// The JSON form of a ``TrainingConfiguration`` (`config.json`).
///
/// - `modelKind`: `"strfnet"` (also when the key is absent, as in files written before the wav2vec
///   classifier could be trained) with the STRFNet in `model`, or `"wav2vec-classifier"` with
///   ``Wav2VecClassifierSettings`` in `wav2vecClassifier` (and no `model`).
/// - `model` may be left out: the paper's spectrogram STRFNet for the classes (so `{}` is the paper's
///   spectrogram configuration, as `ser-cli config` prints without options).
/// - Every other key may be left out: settings with a default take it, optional ones (`specAugment`,
///   `stepsPerEpoch`, `gradientClipNorm`) are then off, and `optimizer` / `schedule` are Adam / constant
///   (``OptimizerSettings``, ``LearningRateSchedule``). Optional settings that are off are not written.
/// - An unknown key is an error (a misspelt setting must not silently fall back to its default); files
///   are read through ``TrainingConfiguration/decode(_:)``, which also refuses unknown keys inside the
///   nested objects and names a wrongly typed key.
extension TrainingConfiguration: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case formatVersion, classes, modelKind, model, wav2vecClassifier, functionals, logMel, utteranceNormalization, featureNormalization, speakerNormalization, segmentSeconds,
             batchSize, gainSpanDB, frequencyWarping, warpRange, specAugment, learningRate, optimizer, schedule, classWeighting, maxEpochs,
             patience, stepsPerEpoch, gradientClipNorm, seed, ensemble, fusion, silenceTrimming
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = all.allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            throw DecodingError.dataCorruptedError(
                forKey: AnyKey(stringValue: unknown), in: all,
                debugDescription: "unknown setting '\(unknown)'; known: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decodeIfPresent(ModelKind.self, forKey: .modelKind) ?? .strfnet
        switch kind {
        case .strfnet:
            guard !c.contains(.wav2vecClassifier) else {
                throw DecodingError.dataCorruptedError(forKey: .wav2vecClassifier, in: c,
                                                       debugDescription: "'wav2vecClassifier' needs \"modelKind\": \"wav2vec-classifier\"")
            }
            // No `model`: the paper's spectrogram STRFNet for the file's classes (`{}` is a valid configuration).
            let classCount = try c.decodeIfPresent([String].self, forKey: .classes)?.count ?? 4
            self.init(model: try c.decodeIfPresent(STRFNetConfiguration.self, forKey: .model)
                      ?? Table1Feature.spectrogram.configuration(classes: classCount))
        case .wav2vecClassifier:
            guard !c.contains(.model) else {
                throw DecodingError.dataCorruptedError(forKey: .model, in: c,
                                                       debugDescription: "'model' is the STRFNet; a wav2vec-classifier configuration gives 'wav2vecClassifier' instead")
            }
            self.init(wav2vecClassifier: try c.decode(Wav2VecClassifierSettings.self, forKey: .wav2vecClassifier))
        case .functionalsSVM, .functionalsLogReg:
            let expected: FunctionalsSettings.Classifier = kind == .functionalsSVM ? .svm : .logisticRegression
            let settings = try c.decodeIfPresent(FunctionalsSettings.self, forKey: .functionals) ?? FunctionalsSettings(classifier: expected)
            guard settings.classifier == expected, !c.contains(.model), !c.contains(.wav2vecClassifier) else {
                throw DecodingError.dataCorruptedError(forKey: .functionals, in: c,
                                                       debugDescription: "modelKind \(kind.rawValue) takes 'functionals' with classifier '\(expected.rawValue)' and no 'model' or 'wav2vecClassifier'")
            }
            self.init(functionals: settings)
        }
        if kind != .functionalsSVM && kind != .functionalsLogReg && c.contains(.functionals) {
            throw DecodingError.dataCorruptedError(forKey: .functionals, in: c,
                                                   debugDescription: "'functionals' needs \"modelKind\": \"functionals-svm\" or \"functionals-logreg\"")
        }
        func value<T: Decodable>(_ key: CodingKeys, _ current: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? current }
        formatVersion = try value(.formatVersion, formatVersion)
        classes = try value(.classes, classes)
        logMel = try value(.logMel, logMel)
        utteranceNormalization = try value(.utteranceNormalization, utteranceNormalization)
        featureNormalization = try c.decodeIfPresent(FeatureNormalization.self, forKey: .featureNormalization)
        speakerNormalization = try value(.speakerNormalization, speakerNormalization)
        segmentSeconds = try value(.segmentSeconds, segmentSeconds)
        batchSize = try value(.batchSize, batchSize)
        gainSpanDB = try value(.gainSpanDB, gainSpanDB)
        frequencyWarping = try value(.frequencyWarping, frequencyWarping)
        warpRange = try value(.warpRange, warpRange)
        specAugment = try c.decodeIfPresent(SpecAugmentConfig.self, forKey: .specAugment)
        learningRate = try value(.learningRate, learningRate)
        optimizer = try c.decodeIfPresent(OptimizerSettings.self, forKey: .optimizer)
        schedule = try c.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule)
        classWeighting = try value(.classWeighting, classWeighting)
        maxEpochs = try value(.maxEpochs, maxEpochs)
        patience = try value(.patience, patience)
        stepsPerEpoch = try c.decodeIfPresent(Int.self, forKey: .stepsPerEpoch)
        gradientClipNorm = try c.decodeIfPresent(Double.self, forKey: .gradientClipNorm)
        seed = try value(.seed, seed)
        ensemble = try value(.ensemble, ensemble)
        fusion = try c.decodeIfPresent(FusionSettings.self, forKey: .fusion)
        addEarlyFusionInput()
        silenceTrimming = try c.decodeIfPresent(SilenceTrimming.self, forKey: .silenceTrimming)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(classes, forKey: .classes)
        try c.encode(modelKind, forKey: .modelKind)
        if let functionals {
            try c.encode(functionals, forKey: .functionals)
        } else if let wav2vecClassifier {
            try c.encode(wav2vecClassifier, forKey: .wav2vecClassifier)
        } else {
            try c.encode(model, forKey: .model)
        }
        try c.encode(logMel, forKey: .logMel)
        try c.encode(utteranceNormalization, forKey: .utteranceNormalization)
        try c.encodeIfPresent(featureNormalization, forKey: .featureNormalization)
        try c.encode(speakerNormalization, forKey: .speakerNormalization)
        try c.encode(segmentSeconds, forKey: .segmentSeconds)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(gainSpanDB, forKey: .gainSpanDB)
        try c.encode(frequencyWarping, forKey: .frequencyWarping)
        try c.encode(warpRange, forKey: .warpRange)
        try c.encodeIfPresent(specAugment, forKey: .specAugment)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encodeIfPresent(optimizer, forKey: .optimizer)
        try c.encodeIfPresent(schedule, forKey: .schedule)
        try c.encode(classWeighting, forKey: .classWeighting)
        try c.encode(maxEpochs, forKey: .maxEpochs)
        try c.encode(patience, forKey: .patience)
        try c.encodeIfPresent(stepsPerEpoch, forKey: .stepsPerEpoch)
        try c.encodeIfPresent(gradientClipNorm, forKey: .gradientClipNorm)
        try c.encode(seed, forKey: .seed)
        // Written only when used, so configurations of single networks read and write as before.
        if ensemble != 1 { try c.encode(ensemble, forKey: .ensemble) }
        try c.encodeIfPresent(fusion, forKey: .fusion)
        try c.encodeIfPresent(silenceTrimming, forKey: .silenceTrimming)
    }
}
