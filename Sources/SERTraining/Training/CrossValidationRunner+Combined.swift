import Foundation
import SERModels

extension CrossValidationRunner {
    /// The functionals of every loaded utterance, computed once for all folds, when the configuration fuses
    /// functionals, late or early (nil otherwise).
    func precomputedFusionFunctionals(_ utterances: [Utterance]) throws -> FunctionalsProvider? {
        guard let base = configuration.fusionFunctionalsProvider(cache: cache) else { return nil }
        let started = Date()
        progress("computing the functionals of \(utterances.count) utterances for the fusion", nil)
        let provider = try PrecomputedFunctionals(base, utterances: utterances)
        progress(String(format: "functionals of %d utterances in %.1f s", utterances.count, Date().timeIntervalSince(started)), nil)
        return provider
    }

    /// One fold of a combined configuration (ensemble and/or fusion, ``CombinedTraining``): the fold folder gets
    /// `member-<i>/` per network, `config.json` and the combined `model.safetensors`. The result's metadata holds,
    /// besides the usual, each part's test and validation UA (`test_network_ua`, `test_member_ua`,
    /// `test_functionals_ua`, `validation_…`), the fusion weight chosen (`network_weight`) and every candidate, and for
    /// the record the UA and NLL of every weight 0, 0.1, …, 1 on both parts (`test_ua_by_weight`, `validation_nll_by_weight`, …).
    func runCombined(_ fold: Fold, in dir: URL, byIndex: [Int: Utterance], functionals: FunctionalsProvider?,
                     wav2vecFeatures: Wav2VecFeatureStore?) throws -> FoldResult {
        let started = Date()
        var training = try CombinedTraining(configuration: configuration, runDirectory: dir)
        training.cache = cache
        training.wav2vecFeatures = wav2vecFeatures
        training.functionalsProvider = functionals
        training.parallel = parallel
        let name = fold.name
        training.progress = { member, count, event in progress(count > 1 ? "\(name) network \(member + 1)/\(count)" : name, event) }
        training.message = { progress("\(name): \($0)", nil) }
        let model = try training.run(train: fold.train.compactMap { byIndex[$0] }, validation: fold.validation.compactMap { byIndex[$0] })
        let test = try model.evaluate(fold.test.compactMap { byIndex[$0] })
        let validation = try model.validation ?? model.evaluate(fold.validation.compactMap { byIndex[$0] })
        var metadata = ["best_epoch": model.bestEpochs.map(String.init).joined(separator: ","),
                        "epochs": model.histories.map { "\($0.count)" }.joined(separator: ","),
                        "seconds": String(format: "%.1f", Date().timeIntervalSince(started)),
                        "model": configuration.modelDescription,
                        "network_weight": "\(model.networkWeight)"]
        if !model.candidates.isEmpty {
            metadata["fusion_candidates"] = model.candidates.map { String(format: "w=%.2f: UA %.4f NLL %.4f", $0.networkWeight, $0.validationUA, $0.validationNLL) }
                .joined(separator: "; ")
        }
        if let c = model.functionalsC { metadata["functionals_C"] = c }
        if configuration.fusion != nil, let f = test.parts.functionals, let fv = validation.parts.functionals {
            // For the record, not for choosing: what every weight of a fixed grid gives on each part of the fold.
            let grid = (0...10).map { Double($0) / 10 }, k = configuration.classes.count
            for (prefix, labels, network, functionals) in [("test", fold.test.compactMap { byIndex[$0]?.label }, test.parts.network, f),
                                                          ("validation", fold.validation.compactMap { byIndex[$0]?.label }, validation.parts.network, fv)] {
                let scored = PosteriorFusion.score(network: network, functionals: functionals, labels: labels, classes: k, grid: grid)
                metadata["\(prefix)_ua_by_weight"] = scored.map { String(format: "%.4f", $0.validationUA) }.joined(separator: ",")
                metadata["\(prefix)_nll_by_weight"] = scored.map { String(format: "%.4f", $0.validationNLL) }.joined(separator: ",")
            }
        }
        metadata.merge(test.metadata(prefix: "test_")) { $1 }
        metadata.merge(validation.metadata(prefix: "validation_")) { $1 }
        return FoldResult(fold: fold, test: test.combined, validation: validation.combined, metadata: metadata)
    }
}
