import Foundation
import SERTensor

/// A ``FunctionalsClassifier`` as a member of a model file (``EmotionModelFile``): its tensors (the
/// ``FunctionalsClassifier/encoded()`` tensors, float64, stored as `F64`) are the module's buffers, so
/// the file is written, read and checked (shapes, finiteness) by the same code as the networks'
/// weights. Member `i`'s tensors are `members.<i>.standardizer.mean`, `members.<i>.svm.support_vectors`, …;
/// the classifier's metadata is the member's ``EmotionModelMember/functionals``.
public final class FunctionalsClassifierModule: Module {
    public let classifier: FunctionalsClassifier

    public init(_ classifier: FunctionalsClassifier) {
        self.classifier = classifier
        super.init()
        // encoded() names are `group.name` (one dot): the group is a child module, the name its buffer.
        var groups = [String: Module]()
        for (name, tensor) in classifier.encoded().tensors.sorted(by: { $0.key < $1.key }) {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { registerBuffer(name, tensor); continue }
            let group = groups[parts[0]] ?? registerModule(parts[0], Module())
            groups[parts[0]] = group
            group.registerBuffer(parts[1], tensor)
        }
    }

    /// The classifier of a model-file member: `tensors` are the member's own (prefix removed), `metadata`
    /// its ``EmotionModelMember/functionals``; validated by ``FunctionalsClassifier/decode(tensors:metadata:source:)``.
    /// - Throws: ``EmotionModelError/weightsMismatch(file:member:reason:)`` naming the tensor or metadata key at fault.
    public convenience init(decoding tensors: [String: Tensor], metadata: [String: String], member: Int, file: String) throws {
        do {
            self.init(try FunctionalsClassifier.decode(tensors: tensors, metadata: metadata,
                                                        source: EmotionModelDescription.tensorPrefix(member: member)))
        } catch let error as FunctionalsModelError {
            throw EmotionModelError.weightsMismatch(file: file, member: member, reason: error.description)
        }
    }
}

extension EmotionModelMember {
    /// The member of a trained functionals classifier: input the whole recording's functionals of the
    /// classifier's feature set, speaker normalisation `per-speaker` when it standardises per speaker.
    public init(functionals classifier: FunctionalsClassifier, weight: Double = 1) {
        self.init(kind: .functionals, weight: weight,
                  input: EmotionModelInput(frames: .functionals,
                                           speakerNormalization: classifier.speakerStandardization ? .perSpeaker : .none),
                  functionals: classifier.encoded().metadata)
    }
}

extension EmotionModelDescription {
    /// A one-member model of a functionals classifier, reading 16 kHz audio (the rate its functionals
    /// were computed at in training).
    public init(functionals classifier: FunctionalsClassifier, provenance: [String: String] = [:]) {
        self.init(classes: classifier.classes, sampleRate: EGeMAPSFunctionalsProvider.sampleRate,
                  members: [EmotionModelMember(functionals: classifier)], provenance: provenance)
    }
}
