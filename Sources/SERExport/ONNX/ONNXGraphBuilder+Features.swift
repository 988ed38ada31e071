import Foundation
import SERFeatures
import SERTensor

/// The feature pipeline of a model file in ONNX ops: raw audio → log-mel (``LogMelExtractor``) →
/// per-utterance normalisation (``FeatureNormalization``) → per-recording speaker normalisation
/// (``SpeakerNormalization``, statistics over the input's own frames).
extension ONNXGraphBuilder {
    /// Log-mel of `audio` `[batch, samples]` → `[batch, frames, bands]`, as ``LogMelExtractor`` computes it:
    /// the centring pad (`Pad`, zeros or reflection), the DFT of every frame as one strided `Conv` whose
    /// `2·bins` kernels are the window times `cos` and `−sin` of each bin's frequency, `|X|²` as the sum of the
    /// squared real and imaginary parts, the mel filterbank as a `MatMul` (for `power = 2` the sum of squares
    /// and the filterbank are one `MatMul` with the filterbank stacked twice), then `Log(mel + logFloor)`.
    mutating func logMel(_ audio: String, config: LogMelConfig, prefix: String) throws -> String {
        let n = config.fftSize, bins = config.stft.binCount, bands = config.bandCount
        var x = node("Unsqueeze", [audio, int64s([1], name: "\(prefix).channel_axis")])       // [B, 1, S]
        if config.center {
            let mode = config.padding == .constant ? "constant" : "reflect"
            x = node("Pad", [x, int64s([0, 0, n / 2, 0, 0, n / 2], name: "\(prefix).centre_pads")],
                     [ONNXAttribute.string("mode", mode)])
        }
        // DFT kernels [2·bins, 1, n]: rows k < bins the real part, rows bins + k the imaginary part (sign flipped,
        // which squaring removes), each multiplied by the window centred in the n-sample frame.
        let window = config.window.padded(length: config.windowLength, fftSize: n)
        var kernels = [Float](repeating: 0, count: 2 * bins * n)
        for k in 0..<bins {
            for j in 0..<n {
                // (k·j) mod n keeps the angle small, so cos/sin are exact to double precision.
                let angle = 2 * Double.pi * Double((k * j) % n) / Double(n)
                kernels[k * n + j] = Float(window[j] * cos(angle))
                kernels[(bins + k) * n + j] = Float(window[j] * sin(angle))
            }
        }
        let dft = node("Conv", [x, constant(kernels, shape: [2 * bins, 1, n], name: "\(prefix).dft_kernels")],
                       [ONNXAttribute.ints("kernel_shape", [n]), ONNXAttribute.ints("strides", [config.hopLength])])
        let squares = node("Transpose", [node("Mul", [dft, dft])], [ONNXAttribute.ints("perm", [0, 2, 1])])  // [B, T, 2·bins]
        let melT = try MelFilterbank(config: config.filterbank).matrix.transposed(0, 1)           // [bins, bands]
        let mel: String
        if config.power == 2 {
            mel = node("MatMul", [squares, constant(Tensor.concat([melT, melT], axis: 0), name: "\(prefix).mel_twice")])
        } else {
            var pairSum = [Float](repeating: 0, count: 2 * bins * bins)
            for k in 0..<bins { pairSum[k * bins + k] = 1; pairSum[(bins + k) * bins + k] = 1 }
            let power = node("MatMul", [squares, constant(pairSum, shape: [2 * bins, bins], name: "\(prefix).pair_sum")])
            mel = node("MatMul", [node("Sqrt", [power]), constant(melT, name: "\(prefix).mel")])
        }
        precondition(melT.shape == [bins, bands], "ONNX log-mel: filterbank \(melT.shape) is not [\(bins), \(bands)]")
        return node("Log", [node("Add", [mel, scalar(Float(config.logFloor), name: "\(prefix).log_floor")])])
    }

    /// ``FeatureNormalization`` of `[batch, channels, frames, bands]` with every frame real (no padding).
    mutating func featureNormalization(_ x: String, _ normalization: FeatureNormalization, prefix: String) -> String {
        switch normalization {
        case .none:
            return x
        case .level:
            let mean = node("ReduceMean", [x], [ONNXAttribute.ints("axes", [2, 3]), ONNXAttribute.int("keepdims", 1)])
            return node("Sub", [x, mean])
        case .utterance:
            let mean = node("ReduceMean", [x], [ONNXAttribute.ints("axes", [2]), ONNXAttribute.int("keepdims", 1)])
            let centred = node("Sub", [x, mean])
            let variance = node("ReduceMean", [node("Mul", [centred, centred])],
                                [ONNXAttribute.ints("axes", [2]), ONNXAttribute.int("keepdims", 1)])
            let std = node("Add", [node("Sqrt", [variance]), scalar(1e-5, name: "\(prefix).utterance_eps")])
            return node("Div", [centred, std])
        }
    }

    /// ``SpeakerNormalization`` with each batch item its own speaker (the per-recording policy for a recording
    /// classified whole): `(x − mean) / √(var + varianceFloor)` per item, channel and band over the frames.
    mutating func perRecordingSpeakerNormalization(_ x: String, prefix: String) -> String {
        let mean = node("ReduceMean", [x], [ONNXAttribute.ints("axes", [2]), ONNXAttribute.int("keepdims", 1)])
        let centred = node("Sub", [x, mean])
        let variance = node("ReduceMean", [node("Mul", [centred, centred])],
                            [ONNXAttribute.ints("axes", [2]), ONNXAttribute.int("keepdims", 1)])
        let floor = scalar(Float(SpeakerNormalization.varianceFloor), name: "\(prefix).speaker_variance_floor")
        return node("Div", [centred, node("Sqrt", [node("Add", [variance, floor])])])
    }
}
