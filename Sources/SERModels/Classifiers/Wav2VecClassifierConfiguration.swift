/// The architecture of a ``Wav2VecClassifier`` (the paper's Fig. 1), Codable and saved with its weights.
public struct Wav2VecClassifierConfiguration: Codable, Equatable, Sendable {
    public var formatVersion = 1
    /// Feature dimension of the input frames (wav2vec `c`: 512).
    public var inputSize = 512
    /// Filters of each CNN-block layer.
    public var cnnChannels = 512
    /// Kernel lengths of the CNN block (paper: 4, 4, 3, 3).
    public var cnnKernels = [4, 4, 3, 3]
    /// Strides of the CNN block (paper: 2, 2, 1, 1).
    public var cnnStrides = [2, 2, 1, 1]
    /// BiLSTM layers (paper: 5) and hidden units per direction (paper: 256).
    public var lstmLayers = 5
    public var lstmHidden = 256
    /// Hidden width of the position-wise linear layers (paper: 512).
    public var headHidden = 512
    /// Number of segment-based classifiers `N_s` (paper: 0–4; 2 is best).
    public var segmentClassifiers = 2
    /// Number of emotion classes.
    public var classes = 4
    /// Dropout between LSTM layers (training only).
    public var lstmDropout = 0.0

    public init(segmentClassifiers: Int = 2, classes: Int = 4) {
        self.segmentClassifiers = segmentClassifiers
        self.classes = classes
    }

    /// Frames after the CNN block for `frames` input frames (no padding: `(n − k) / s + 1` per layer),
    /// or 0 when the input is too short.
    public func outputFrames(_ frames: Int) -> Int {
        var n = frames
        for (k, s) in zip(cnnKernels, cnnStrides) {
            if n < k { return 0 }
            n = (n - k) / s + 1
        }
        return n
    }

    /// The shortest input (frames) that yields one CNN output frame.
    public var minimumInputFrames: Int {
        var n = 1
        for (k, s) in zip(cnnKernels, cnnStrides).reversed() { n = (n - 1) * s + k }
        return n
    }

    public func validate() throws {
        func fail(_ m: String) -> ModelConfigurationError { ModelConfigurationError(model: "Wav2VecClassifier", problem: m) }
        if cnnKernels.isEmpty || cnnKernels.count != cnnStrides.count { throw fail("cnnKernels and cnnStrides must be non-empty and of equal length") }
        if cnnKernels.contains(where: { $0 < 1 }) || cnnStrides.contains(where: { $0 < 1 }) { throw fail("kernels and strides must be >= 1") }
        if inputSize < 1 || cnnChannels < 1 || lstmLayers < 1 || lstmHidden < 1 || headHidden < 1 { throw fail("sizes must be positive") }
        if segmentClassifiers < 0 { throw fail("segmentClassifiers must be >= 0") }
        if classes < 2 { throw fail("at least 2 classes are needed") }
        if formatVersion != 1 { throw fail("unsupported format version \(formatVersion)") }
    }
}
