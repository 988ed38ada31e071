import SERModels
import SERTensor

extension ONNXGraphBuilder {
    /// ``Wav2VecClassifier`` in inference form on frames `[batch, time, inputSize]` (every frame real):
    /// CNN block (`Conv` + `Relu`), BiLSTM, mean over time, head → utterance logits `[batch, classes]`; and the
    /// segment classifiers' per-frame posteriors `[batch, frames', classes]` (softmax per classifier, averaged;
    /// nil without segment classifiers), one per CNN output frame.
    mutating func wav2vecClassifier(_ x: String, _ net: Wav2VecClassifier, prefix: String) throws -> (logits: String, framePosteriors: String?) {
        var h = node("Transpose", [x], [ONNXAttribute.ints("perm", [0, 2, 1])])         // [B, C, T]
        for (i, layer) in net.cnn.layers.enumerated() {
            if let conv = layer as? Conv1d {
                h = try conv1d(h, conv, prefix: "\(prefix).cnn.\(i)")
            } else if let a = activation(h, layer) {
                h = a
            } else {
                throw ONNXExportError.unsupported(file: prefix, what: "CNN layer \(type(of: layer))", why: "no ONNX form is written for it")
            }
        }
        let frames = node("Transpose", [h], [ONNXAttribute.ints("perm", [0, 2, 1])])    // [B, T', C]
        let sequence = try lstm(frames, net.lstm, prefix: "\(prefix).lstm")
        let pooled = node("ReduceMean", [sequence], [ONNXAttribute.ints("axes", [1]), ONNXAttribute.int("keepdims", 0)])
        let logits = try mlp(pooled, net.head, prefix: "\(prefix).head")
        guard !net.segmentHeads.isEmpty else { return (logits, nil) }
        let posteriors = try net.segmentHeads.enumerated().map { i, head in
            node("Softmax", [try mlp(frames, head, prefix: "\(prefix).seg.\(i)")], [ONNXAttribute.int("axis", 2)])
        }
        let sum = posteriors.count == 1 ? posteriors[0] : node("Sum", posteriors)
        let mean = node("Div", [sum, scalar(Float(posteriors.count), name: "\(prefix).seg.count")])
        return (logits, mean)
    }
}
