import Foundation
import SERTensor

/// A trained emotion model as one safetensors file (`model.safetensors`): the weights of every member
/// under `members.<i>.`, and the ``EmotionModelDescription`` (classes, input pipelines, architectures)
/// as JSON in the file's metadata, in ``ModelArchive``'s layout with kind ``kind``. Written atomically.
///
/// Load one with ``EmotionRecognizer/init(contentsOf:)``; training writes one at the end of every run
/// and every cross-validation fold.
public enum EmotionModelFile {
    /// The ``ModelArchive`` kind of a model file.
    public static let kind = "emotion-recognizer"
    /// The usual file name in a run folder.
    public static let fileName = "model.safetensors"

    /// Writes `description` and the member networks (`members[i]` is member `i`'s module: an ``STRFNet``,
    /// a ``Wav2VecClassifier``, a ``Wav2VecEmotionModel`` for a classifier on wav2vec features, or a
    /// ``FunctionalsClassifierModule`` for a functionals classifier, whose float64 tensors are stored as `F64`).
    /// - Throws: ``EmotionModelError/invalidDescription(file:problem:)`` when the description is invalid or
    ///   the member count differs; ``TensorIOError`` when the file cannot be written.
    public static func write(_ description: EmotionModelDescription, members: [Module], to url: URL) throws {
        try description.validate(file: url.path)
        guard members.count == description.members.count else {
            throw EmotionModelError.invalidDescription(file: url.path, problem: "\(description.members.count) members described, \(members.count) networks given")
        }
        try ModelArchive.save(MemberList(members), kind: kind, configuration: description, to: url)
    }

    /// The description and tensors of the file at `url` (nothing is built).
    /// - Throws: ``EmotionModelError/unreadable(file:reason:)`` for a file that is not a model file.
    public static func read(from url: URL) throws -> (description: EmotionModelDescription, tensors: [String: Tensor]) {
        let tensors: [String: Tensor], metadata: [String: String]
        // F64 tensors (a functionals classifier's) stay float64; network weights are F32.
        do { (tensors, metadata) = try Safetensors.readWithMetadata(from: url, keepFloat64: true) } catch {
            throw EmotionModelError.unreadable(file: url.path, reason: "\(error)")
        }
        let description: EmotionModelDescription
        do {
            description = try ModelArchive.configuration(EmotionModelDescription.self, kind: kind, metadata: metadata, file: url.path)
        } catch {
            throw EmotionModelError.unreadable(file: url.path, reason: "\(error)")
        }
        return (description, tensors)
    }
}

/// The members of a model file as one module: member `i` under `members.<i>`.
final class MemberList: Module {
    init(_ members: [Module]) {
        super.init()
        let list = Module()
        for (i, m) in members.enumerated() { list.registerModule("\(i)", m) }
        registerModule("members", list)
    }
}
