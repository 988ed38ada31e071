import SERAudio
import SERTensor

extension Wav2VecModel {
    /// The sample rate wav2vec models expect (Hz).
    public static let sampleRate = 16_000

    /// Context features c of one utterance as `[frames, contextChannels]` (100 frames/s), as fairseq's
    /// `wav2vec_featurize.py` writes them: the audio is resampled to 16 kHz when needed (``AudioBuffer/resampled(to:quality:)``),
    /// then run without gradients in evaluation mode (the model's mode is restored afterwards).
    /// With `encoderOutput`, z is returned instead (fairseq's `--use-feat`).
    ///
    /// - Throws: ``AudioError`` when resampling fails, ``Wav2VecError/inputTooShort(samples:minimum:)``.
    public func features(of audio: AudioBuffer, encoderOutput: Bool = false) throws -> Tensor {
        let buffer = audio.sampleRate == Wav2VecModel.sampleRate ? audio : try audio.resampled(to: Wav2VecModel.sampleRate)
        let wav = Tensor(shape: [1, buffer.count], data: buffer.samples)
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        let (z, c) = try withNoGrad { try features(wav) }
        let out = encoderOutput ? z : c
        return out.reshaped([out.shape[1], out.shape[2]]).transposed(0, 1)
    }
}
