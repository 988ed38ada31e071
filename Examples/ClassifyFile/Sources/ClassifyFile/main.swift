import Foundation
import SERModels

// Classifies a sound with a model file: the committed tiny (untrained) model by default, or the model
// and audio files given as arguments, e.g. after `make demo`:
//   swift run --package-path Examples/ClassifyFile ClassifyFile demo-output/model.safetensors speech.wav
let arguments = CommandLine.arguments.dropFirst()
let exampleFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let modelURL = arguments.first.map { URL(fileURLWithPath: $0) } ?? exampleFolder.appendingPathComponent("tiny-model.safetensors")

do {
    let recognizer = try EmotionRecognizer(contentsOf: modelURL)
    let prediction: EmotionPrediction
    if arguments.count >= 2 {
        prediction = try recognizer.classify(contentsOf: URL(fileURLWithPath: arguments[arguments.startIndex + 1]))
    } else {
        // 4 s of a vowel-like sound at 22.05 kHz (the recogniser resamples it to the model's 16 kHz):
        // six harmonics of a pitch gliding around 150 Hz, with a slow loudness swell.
        let rate = 22_050
        var phase = 0.0
        let samples = (0..<(4 * rate)).map { i -> Float in
            let t = Double(i) / Double(rate)
            phase += 2 * Double.pi * (150 + 30 * sin(2 * Double.pi * 0.5 * t)) / Double(rate)
            let harmonics = (1...6).reduce(0.0) { $0 + sin(Double($1) * phase) / Double($1) }
            return Float(0.2 * (0.6 + 0.4 * sin(2 * Double.pi * 1.5 * t)) * harmonics)
        }
        prediction = try recognizer.classify(try AudioBuffer(samples: samples, sampleRate: rate))
    }
    let shares = zip(prediction.classes, prediction.posteriors).map { String(format: "%@ %.1f%%", $0, $1 * 100) }
    print("ClassifyFile: \(prediction.label) (\(shares.joined(separator: ", "))) over \(prediction.timeline.points.count) windows")
    for warning in prediction.warnings { print("ClassifyFile: warning: \(warning)") }
    let total = prediction.posteriors.reduce(0, +)
    guard abs(total - 1) < 1e-5, prediction.classes.contains(prediction.label) else {
        print("ClassifyFile: posteriors sum to \(total)")
        exit(1)
    }
} catch {
    print("ClassifyFile: \(error)")
    exit(1)
}
