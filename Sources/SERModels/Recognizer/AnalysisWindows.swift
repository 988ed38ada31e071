/// How a recording is cut into overlapping analysis windows for prediction.
///
/// With `N` samples, window length `W` and hop `H` (in samples):
/// - `N ≤ W`: one window, the whole recording (shorter recordings are not padded; the model pools
///   over real frames only).
/// - `N > W`: windows start at `0, H, 2H, …` while they fit (`start + W ≤ N`); when the last of them
///   ends before `N`, one more window `[N − W, N)` is added so the end of the recording is covered.
///   Every sample lies in at least one window, and every window is exactly `W` long.
public struct AnalysisWindows: Equatable, Sendable {
    /// Window length and hop in seconds.
    public var windowSeconds: Double
    public var hopSeconds: Double

    /// - Throws: ``EmotionModelError/invalidWindows(_:)`` unless `0 < hop` and `0.1 ≤ window ≤ 600` seconds.
    public init(windowSeconds: Double = 3, hopSeconds: Double = 1) throws {
        guard windowSeconds.isFinite, windowSeconds >= 0.1, windowSeconds <= 600 else {
            throw EmotionModelError.invalidWindows("window length \(windowSeconds) s is outside 0.1…600 s")
        }
        guard hopSeconds.isFinite, hopSeconds > 0, hopSeconds <= windowSeconds else {
            throw EmotionModelError.invalidWindows("hop \(hopSeconds) s must be positive and at most the window length (\(windowSeconds) s)")
        }
        self.windowSeconds = windowSeconds
        self.hopSeconds = hopSeconds
    }

    /// 3 s windows every 1 s: the length the models were trained on, each second of a long recording
    /// in three windows.
    public static let standard = AnalysisWindows(checkedWindowSeconds: 3, hopSeconds: 1)

    private init(checkedWindowSeconds: Double, hopSeconds: Double) {
        windowSeconds = checkedWindowSeconds
        self.hopSeconds = hopSeconds
    }

    /// The windows of a recording of `samples` samples at `sampleRate` Hz, as sample ranges in time order.
    public func ranges(samples: Int, sampleRate: Int) -> [Range<Int>] {
        guard samples > 0 else { return [] }
        let w = Swift.max(1, Int((windowSeconds * Double(sampleRate)).rounded()))
        let h = Swift.max(1, Int((hopSeconds * Double(sampleRate)).rounded()))
        guard samples > w else { return [0..<samples] }
        var out = [Range<Int>]()
        var start = 0
        while start + w <= samples {
            out.append(start..<(start + w))
            start += h
        }
        if let last = out.last, last.upperBound < samples { out.append((samples - w)..<samples) }
        return out
    }
}
