import Foundation
import SERTraining

/// Renders ``Wav2VecPretrainingEvent``s on standard error: on a terminal a progress line redrawn in place (update,
/// running loss and true-frame accuracy over the last 50 updates, learning rate, ETA), otherwise one line every 5% of
/// the run; a line per validation and per checkpoint.
final class Wav2VecPretrainingProgressPrinter {
    private let isTerminal = isatty(fileno(stderr)) != 0
    /// `--quiet`: print nothing.
    var quiet = false
    private var lastDraw = Date.distantPast
    private var recent: [(loss: Double, accuracy: Double, seconds: Double)] = []
    private var lineOpen = false

    func loading(_ done: Int, _ total: Int) {
        if quiet { return }
        guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
        lastDraw = Date()
        draw("reading audio \(done)/\(total)")
        if done == total { clear() }
    }

    func handle(_ event: Wav2VecPretrainingEvent) {
        if quiet { return }
        switch event {
        case let .started(update, total, resumed, parameters):
            line(resumed ? "resuming after update \(update) of \(total) (\(parameters) parameters)"
                         : "training \(total) updates (\(parameters) parameters)")
        case let .update(update, total, loss, accuracy, lr, seconds):
            recent.append((loss, accuracy, seconds))
            if recent.count > 50 { recent.removeFirst(recent.count - 50) }
            let n = Double(recent.count)
            let meanLoss = recent.reduce(0) { $0 + $1.loss } / n, meanAcc = recent.reduce(0) { $0 + $1.accuracy } / n
            let perUpdate = recent.reduce(0) { $0 + $1.seconds } / n
            let eta = perUpdate * Double(total - update)
            let text = String(format: "update %d/%d loss %.4f acc %.1f%% lr %.2e %.2f s/update ETA %@", update, total, meanLoss,
                              meanAcc * 100, lr, perUpdate, Self.duration(eta))
            if isTerminal {
                if Date().timeIntervalSince(lastDraw) > 0.2 || update == total { lastDraw = Date(); draw(text) }
            } else if update % Swift.max(1, total / 20) == 0 {
                line(text)
            }
        case .validated(let r):
            var parts = r.update == 0 ? [] : [String(format: "train loss %.4f acc %.1f%%", r.trainLoss, r.trainAccuracy * 100)]
            if let l = r.validationLoss, let a = r.validationAccuracy {
                parts.append(String(format: "held-out loss %.4f acc %.1f%% (binary %.1f%%)", l, a * 100, (r.validationBinaryAccuracy ?? 0) * 100))
            }
            let text = (r.update == 0 ? "before training: " : "update \(r.update): ") + (parts.isEmpty ? "(no held-out files)" : parts.joined(separator: ", "))
            line(text)
        case let .checkpointed(update, _):
            if !isTerminal { line("checkpoint after update \(update)") }
        }
    }

    func finish() { clear() }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) : t >= 60 ? String(format: "%dm%02ds", t / 60, t % 60) : "\(t)s"
    }

    private func draw(_ text: String) {
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
        lineOpen = true
    }

    private func clear() {
        if lineOpen { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); lineOpen = false }
    }

    func line(_ s: String) {
        if quiet { return }
        clear()
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
