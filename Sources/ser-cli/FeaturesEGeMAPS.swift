import Foundation
import SERAudio
import SERFeatures
import SERTensor
import SERTraining

/// `ser-cli features --kind egemaps`: the 88 eGeMAPS v02 functionals of one file or of every `.wav` file in
/// a folder (not recursive), one CSV row per file: first column `file` (the file name), then the 88 columns
/// named as opensmile-python names them. A file that cannot be read or analysed is reported on stderr and
/// skipped; the table of the others is still written (atomically). Files are processed in parallel on all
/// cores. Returns the files written, the failures, the wall seconds spent (reading + extraction) and the audio
/// duration.
func extractEGeMAPSTable(input: URL, isDirectory: Bool, output: URL) throws
    -> (files: Int, failures: Int, seconds: Double, audioSeconds: Double) {
    let sources: [URL]
    if isDirectory {
        let names = try FileManager.default.contentsOfDirectory(atPath: input.path)
            .filter { $0.lowercased().hasSuffix(".wav") }.sorted()
        sources = names.map { input.appendingPathComponent($0) }
    } else {
        sources = [input]
    }
    let extractor = EGeMAPSExtractor()
    // Files are independent: extract them on all cores, then report in file order.
    var outcomes = [Result<(values: [Float], duration: Double), Error>?](repeating: nil, count: sources.count)
    let start = DispatchTime.now().uptimeNanoseconds
    outcomes.withUnsafeMutableBufferPointer { slots in
        let slots = slots
        DispatchQueue.concurrentPerform(iterations: sources.count) { i in
            let source = sources[i]
            slots[i] = Result {
                let audio = try AudioFile.read(source).buffer
                do { return (try extractor.functionals(audio), audio.duration) } catch {
                    throw FeaturesCommandError.extractionFailed(path: source.path, reason: "\(error)")
                }
            }
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    var rows: [[String]] = [["file"] + EGeMAPS.functionalNames]
    var failures = 0, audioSeconds = 0.0
    for (source, outcome) in zip(sources, outcomes) {
        switch outcome {
        case .success(let result)?:
            rows.append([source.lastPathComponent] + result.values.map { "\($0)" })
            audioSeconds += result.duration
        case .failure(let error)?:
            guard isDirectory else { throw error }
            failures += 1
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        case nil:
            break
        }
    }
    try FeatureOutput.writeAtomically(CSV.render(rows), to: output)
    return (rows.count - 1, failures, seconds, audioSeconds)
}

/// `ser-cli features --kind egemaps-lld`: the `[frames, 25]` eGeMAPS low-level descriptors of one file as a
/// float32 `.npy` (columns in ``EGeMAPS/lowLevelDescriptorNames`` order). Returns the seconds of compute.
func extractEGeMAPSDescriptors(input: URL, output: URL) throws -> Double {
    let audio = try AudioFile.read(input).buffer
    let start = DispatchTime.now().uptimeNanoseconds
    let table: Tensor
    do { table = try EGeMAPSExtractor().lowLevelDescriptors(audio) } catch {
        throw FeaturesCommandError.extractionFailed(path: input.path, reason: "\(error)")
    }
    let spent = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    try Npy.write(table, to: output)
    return spent
}
