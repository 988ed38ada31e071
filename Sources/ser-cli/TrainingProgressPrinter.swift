import Foundation
import SERTraining

/// Renders ``TrainingEvent``s on standard error: a one-line progress bar with ETA and the running
/// loss while an epoch runs (redrawn in place on a terminal), and one summary line per epoch.
final class TrainingProgressPrinter {
    private var epochStart = Date()
    private var lossSum = 0.0
    /// Whether progress bars are redrawn in place (standard error is a terminal and redrawing was not turned off).
    private let isTerminal: Bool
    private var lastDraw = Date.distantPast
    let prefix: String
    /// `--quiet`: print nothing.
    let quiet: Bool

    /// - Parameter redraws: false prints whole lines only, even on a terminal (several processes share it).
    init(prefix: String = "", quiet: Bool = false, redraws: Bool = true) {
        self.prefix = prefix
        self.quiet = quiet
        self.isTerminal = redraws && isatty(fileno(stderr)) != 0
    }

    func handle(_ event: TrainingEvent, label: String? = nil) {
        if quiet { return }
        let tag = label.map { "[\($0)] " } ?? prefix
        switch event {
        case let .loaded(train, validation, test):
            line("\(tag)utterances: \(train) train, \(validation) validation, \(test) test")
        case .resumed(let epoch):
            line("\(tag)resuming after epoch \(epoch)")
        case let .featureExtraction(done, total):
            if done == 1 { epochStart = Date() }
            if done == total {
                if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                line(String(format: "%@wav2vec features of %d utterances ready (%.1fs)", tag, total, Date().timeIntervalSince(epochStart)))
            } else if isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 {
                lastDraw = Date()
                FileHandle.standardError.write(Data("\r\(tag)wav2vec features \(done)/\(total)\u{1B}[K".utf8))
            }
        case .epochStarted:
            epochStart = Date()
            lossSum = 0
        case let .step(epoch, step, steps, loss):
            lossSum += loss
            guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 || step == steps else { return }
            lastDraw = Date()
            let elapsed = Date().timeIntervalSince(epochStart)
            let eta = elapsed / Double(step) * Double(steps - step)
            let width = 24, filled = width * step / max(steps, 1)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let text = String(format: "%@epoch %d [%@] %d/%d loss %.4f ETA %.0fs", tag, epoch, bar, step, steps, lossSum / Double(step), eta)
            FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
        case let .epochFinished(r, improved):
            if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            line(String(format: "%@epoch %d: loss %.4f, validation UA %.1f%% WA %.1f%%%@ (%.1fs)", tag, r.epoch, r.trainLoss,
                        r.validationUA * 100, r.validationWA * 100, improved ? " *best*" : "", r.seconds))
        case let .earlyStop(epoch, best):
            line("\(tag)early stop after epoch \(epoch) (best epoch \(best))")
        }
    }

    func line(_ s: String) {
        if quiet { return }
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
