import Foundation
import SERFeatures
import SERModels

extension Wav2VecFeatureStore {
    /// The store a configuration's runs share: for the wav2vec classifier on frozen wav2vec features
    /// (fine-tuning `none`), the configured model with `cache`; nil for every other network.
    /// - Throws: ``TrainingError/wav2vecModel(path:reason:)`` when the model file cannot be used.
    public static func forConfiguration(_ configuration: TrainingConfiguration, cache: FeatureCache? = nil) throws -> Wav2VecFeatureStore? {
        guard let w = configuration.wav2vecClassifier, w.input == .wav2vec, let v = w.wav2vec, v.fineTuning == .none else { return nil }
        return Wav2VecFeatureStore(model: try v.loadModel(), cache: cache)
    }
}

extension Wav2VecFeatureSettings {
    /// Loads ``modelFile``: a fairseq checkpoint (a PyTorch file, recognised by its first bytes) is
    /// imported, anything else is read as a SwiftSER model (``Wav2VecModel/read(from:)``). The model is
    /// returned in evaluation mode.
    /// - Throws: ``TrainingError/wav2vecModel(path:reason:)`` naming the file and the problem.
    public func loadModel() throws -> Wav2VecModel {
        let url = modelURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TrainingError.wav2vecModel(path: url.path, reason: "file not found (wav2vecClassifier.wav2vec.modelFile must name a model "
                                             + "written by `ser-cli wav2vec import` or a fairseq wav2vec .pt checkpoint)")
        }
        guard !isDirectory.boolValue else { throw TrainingError.wav2vecModel(path: url.path, reason: "is a folder, not a model file") }
        do {
            let head = try FileHandle(forReadingFrom: url).read(upToCount: 4).map { [UInt8]($0) } ?? []
            let isPyTorch = head == [0x50, 0x4B, 0x03, 0x04] || head == [0x80, 0x02, 0x8A, 0x0A]
            let model = isPyTorch ? try Wav2VecModel.importFairseq(from: url).model : try Wav2VecModel.read(from: url)
            model.eval()
            return model
        } catch {
            throw TrainingError.wav2vecModel(path: url.path, reason: "cannot be loaded: \(error)")
        }
    }
}
