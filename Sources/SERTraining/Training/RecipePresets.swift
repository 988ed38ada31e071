import Foundation
import SERFeatures
import SERModels

extension TrainingConfiguration {
    /// The recipes behind `--preset best-independent` and `--preset best-speaker` (also committed as
    /// `configs/best-independent.json` and `configs/best-speaker.json`). They hold no per-corpus setting:
    /// any class set, sample rate (audio is resampled to 16 kHz) and number of speakers (≥ 3 for leave one
    /// speaker out with a validation speaker).
    ///
    /// Both are an ensemble of three small STRFNets on the 30-band log-mel spectrogram with level
    /// normalisation (batches of 32 random 3 s segments with a 40 dB random gain, class weights, Adam 1e-3,
    /// at most 25 epochs with patience 6), late-fused with an RBF SVM on eGeMAPS functionals, the fusion
    /// weight chosen on the validation speakers (``FusionSettings``). `best-speaker` also standardises the
    /// network's features and the functionals per speaker, from each speaker's unlabelled recordings
    /// (track S); `best-independent` uses nothing of the test speaker (track I).
    /// Docs/Results.md gives their accuracy and how they were chosen.
    public static func recipe(_ preset: TrainingPreset, classes: [String] = ["neutral", "happy", "sad", "angry"]) -> TrainingConfiguration {
        var m = Table1Feature.spectrogram.configuration(classes: classes.count)
        m.convChannels = 16
        m.residualChannels = [16]
        m.embeddingSize = 64
        m.gruHidden = 48
        m.attentionHidden = 32
        m.mlpHidden = [48]
        m.strfKernels = 8   // unused (no STRF input); as in configs/emodb-small-*.json
        var c = TrainingConfiguration(model: m)
        c.classes = classes
        c.batchSize = 32
        c.learningRate = 1e-3
        c.maxEpochs = 25
        c.patience = 6
        c.featureNormalization = .level
        c.speakerNormalization = preset == .bestSpeaker
        c.ensemble = 3
        c.fusion = FusionSettings()
        return c
    }
}
