import Foundation
import SERFeatures
import SERModels
import SERTensor

/// Trains a combined run: an ensemble of networks (``TrainingConfiguration/ensemble``) and/or their late
/// fusion with a functionals classifier (``TrainingConfiguration/fusion``), for one fixed split or one
/// cross-validation fold.
///
/// Each network is trained by its own ``Trainer`` (configuration ``TrainingConfiguration/member(_:)``, seed
/// `seed + i`) in `member-<i+1>/` of the run folder, where it keeps its checkpoint, `best.safetensors`,
/// history and one-member model file; a killed run resumes every member from its checkpoint (a finished
/// member is only reloaded). Each functionals classifier of the fusion is fitted on the same training speakers
/// (C chosen on the validation speakers, as ``FunctionalsTraining`` does); the fusion weight is then chosen by the
/// validation speakers' posteriors (``PosteriorFusion/chooseWeight(network:functionals:labels:classes:grid:)``).
///
/// The run folder gets `config.json` (the combined configuration) and `model.safetensors`: one model file
/// (``EmotionModelFile``) whose members are the networks (weight `w / N` each) and the K functionals classifiers
/// (weight `(1 − w) / K` each), combined by the weighted mean of their posteriors; members of weight 0 are left out.
public struct CombinedTraining {
    public let configuration: TrainingConfiguration
    public let runDirectory: URL
    public var cache: FeatureCache?
    /// Frozen wav2vec features shared between runs (see ``Trainer/init(configuration:train:validation:runDirectory:progress:wav2vecFeatures:cache:)``).
    public var wav2vecFeatures: Wav2VecFeatureStore?
    /// Where the fusion's functionals come from (nil: computed from the audio, ``FunctionalsTraining/provider(for:cache:)``);
    /// a cross-validation passes functionals computed once for all folds.
    public var functionalsProvider: FunctionalsProvider?
    /// Data parallelism of every member's training steps; only rank 0 writes files.
    public var parallel = DataParallelism.single
    /// Training events of member `index` (0-based) of `count`.
    public var progress: (_ member: Int, _ count: Int, TrainingEvent) -> Void = { _, _, _ in }
    /// Status lines (member started, fusion weight chosen).
    public var message: (String) -> Void = { _ in }

    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for a configuration that is not combined.
    public init(configuration: TrainingConfiguration, runDirectory: URL) throws {
        guard configuration.isCombined else {
            throw TrainingError.invalidConfiguration("internal: CombinedTraining needs an ensemble or a fusion; train a single network with Trainer")
        }
        try configuration.validate()
        self.configuration = configuration
        self.runDirectory = runDirectory
    }

    /// The folder of network member `index` (0-based).
    public static func memberDirectory(_ index: Int, in runDirectory: URL) -> URL {
        runDirectory.appendingPathComponent("member-\(index + 1)")
    }

    /// Whether any member of a combined run in `runDirectory` has a checkpoint (the run can be resumed).
    public static func hasCheckpoint(_ configuration: TrainingConfiguration, in runDirectory: URL) -> Bool {
        (0..<configuration.ensemble).contains { RunFolder.checkpoint(in: memberDirectory($0, in: runDirectory)) != nil }
    }

    /// Trains (or resumes) every member, fits the functionals classifiers, chooses the fusion weight, and
    /// writes `config.json` and `model.safetensors`.
    public func run(train: [Utterance], validation: [Utterance]) throws -> CombinedModel {
        let n = configuration.ensemble
        // The fusion's functionals of the run's utterances, computed once for every network and classifier.
        let provider = try functionalsProvider
            ?? configuration.fusionFunctionalsProvider(cache: cache).map { try PrecomputedFunctionals($0, utterances: train + validation) }
        var trainers = [Trainer](), histories = [[EpochRecord]]()
        for i in 0..<n {
            let memberConfiguration = configuration.member(i)
            let dir = Self.memberDirectory(i, in: runDirectory)
            if n > 1 { message("network \(i + 1) of \(n) (seed \(memberConfiguration.seed))") }
            let trainer = try Trainer(configuration: memberConfiguration, train: train, validation: validation, runDirectory: dir,
                                      progress: { progress(i, n, $0) }, wav2vecFeatures: wav2vecFeatures, cache: cache,
                                      functionals: provider)
            trainer.parallel = parallel
            let resume = try parallel.context.rootDecides(RunFolder.checkpoint(in: dir) != nil)
            histories.append(try trainer.run(resume: resume))
            trainers.append(trainer)
        }
        var fits = [FunctionalsFit]()
        for functionalsConfiguration in configuration.fusionFunctionals {
            guard let provider else { throw TrainingError.invalidConfiguration("internal: a late fusion without functionals") }
            message("fitting the fusion's \(functionalsConfiguration.modelDescription)")
            fits.append(try FunctionalsTraining(configuration: functionalsConfiguration, provider: provider).fit(train: train, validation: validation))
        }
        var model = CombinedModel(configuration: configuration, networks: trainers, functionals: fits, provider: provider,
                                  histories: histories)
        let parts = try model.parts(validation)
        if let fusion = configuration.fusion {
            let (chosen, candidates) = PosteriorFusion.chooseWeight(network: parts.network, functionals: parts.functionals ?? parts.network,
                                                                    labels: validation.map(\.label), classes: configuration.classes.count,
                                                                    grid: fusion.networkWeights)
            model.networkWeight = chosen.networkWeight
            model.candidates = candidates
            message(String(format: "fusion weight of the network%@ %.2f (validation NLL %.3f, UA %.1f)", n > 1 ? "s" : "",
                           chosen.networkWeight, chosen.validationNLL, chosen.validationUA * 100))
        }
        model.validation = try model.evaluate(parts, labels: validation.map(\.label))
        if parallel.context.isWriter { try write(model) }
        return model
    }

    /// Writes `config.json` and the combined `model.safetensors` into the run folder.
    func write(_ model: CombinedModel) throws {
        try writeJSON(configuration, to: runDirectory.appendingPathComponent(TrainedRun.configFile))
        let n = Double(model.networks.count)
        var members = [EmotionModelMember](), modules = [Module]()
        if model.networkWeight > 0 {
            for trainer in model.networks {
                var member = try trainer.configuration.modelMember(wav2vec: trainer.network.wav2vecConfiguration)
                member.weight = model.networkWeight / n
                members.append(member)
                modules.append(try trainer.network.modelFileNetwork)
            }
        }
        if model.networkWeight < 1 {
            for (fit, f) in zip(model.functionals, configuration.fusionFunctionals) {
                var member = try f.modelMember(functionals: fit.classifier)
                member.weight = (1 - model.networkWeight) / Double(model.functionals.count)
                members.append(member)
                modules.append(FunctionalsClassifierModule(fit.classifier))
            }
        }
        var provenance = ["network_weight": "\(model.networkWeight)", "ensemble": "\(model.networks.count)",
                          "best_epochs": model.bestEpochs.map(String.init).joined(separator: ",")]
        if let c = model.functionalsC { provenance["functionals_C"] = c }
        let description = configuration.modelDescription(members: members, provenance: provenance)
        try EmotionModelFile.write(description, members: modules, to: runDirectory.appendingPathComponent(TrainedRun.modelFile))
    }
}

/// The trained parts of a combined run and their combination (``CombinedTraining``).
public struct CombinedModel {
    public let configuration: TrainingConfiguration
    /// The networks, with their best weights.
    let networks: [Trainer]
    /// The fusion's fitted functionals classifiers, in the order of ``FusionSettings/functionals`` (empty without fusion).
    public let functionals: [FunctionalsFit]
    /// The C chosen for each functionals classifier, comma-separated (nil without them).
    public var functionalsC: String? { functionals.isEmpty ? nil : functionals.map { "\($0.chosen.c)" }.joined(separator: ",") }
    let provider: FunctionalsProvider?
    /// Each network's epoch history.
    public let histories: [[EpochRecord]]
    /// Each network's kept epoch (best validation UA; the first of equals).
    public var bestEpochs: [Int] { histories.map { h in h.max { $0.validationUA < $1.validationUA }?.epoch ?? 0 } }
    /// The weight `w` of the networks' mean in the fusion (1 without fusion).
    public internal(set) var networkWeight = 1.0
    /// Every fusion weight tried, with its validation UA and NLL (empty without fusion).
    public internal(set) var candidates = [PosteriorFusion.Candidate]()
    /// The reports on the validation utterances the run was given (computed once, with the weight chosen).
    public internal(set) var validation: CombinedEvaluation?

    init(configuration: TrainingConfiguration, networks: [Trainer], functionals: [FunctionalsFit], provider: FunctionalsProvider?,
         histories: [[EpochRecord]]) {
        self.configuration = configuration
        self.networks = networks
        self.functionals = functionals
        self.provider = provider
        self.histories = histories
    }

    /// Posteriors `[utterances][classes]` of each part: every network, their mean, and the functionals part (the
    /// mean of the functionals classifiers).
    public struct Parts {
        public var members: [[[Double]]]
        public var network: [[Double]]
        public var functionals: [[Double]]?
        /// The functionals classifier's own predictions (an SVM's pairwise vote) when the fusion has one classifier.
        public var functionalsPredicted: [Int]?
    }

    /// Each part's whole-utterance posteriors (networks and functionals with the run's speaker normalisation,
    /// speakers grouped over `utterances`).
    public func parts(_ utterances: [Utterance]) throws -> Parts {
        let members = try networks.map { try $0.predictor.posteriors(utterances) }
        let network = PosteriorFusion.weightedMean(members, weights: members.map { _ in 1 })
        guard !functionals.isEmpty, let provider else { return Parts(members: members, network: network) }
        let data = try provider.data(utterances)
        let outputs = functionals.map { $0.classifier.classify(data.rows, speakers: data.speakers) }
        let mean = PosteriorFusion.weightedMean(outputs.map { $0.map(\.posteriors) }, weights: outputs.map { _ in 1 })
        return Parts(members: members, network: network, functionals: mean,
                     functionalsPredicted: outputs.count == 1 ? outputs[0].map(\.predicted) : nil)
    }

    /// The combined predictions of `parts`, as the model file makes them: the most probable class of the weighted
    /// mean; with weight 0 and one functionals classifier the file holds it alone, and it predicts by its own rule.
    public func predictions(_ parts: Parts) -> [Int] {
        if networkWeight == 0, let own = parts.functionalsPredicted { return own }
        return PosteriorFusion.predictions(posteriors(parts))
    }

    /// The combined posteriors of `parts`.
    public func posteriors(_ parts: Parts) -> [[Double]] {
        guard let f = parts.functionals else { return parts.network }
        return PosteriorFusion.fuse(network: parts.network, functionals: f, networkWeight: networkWeight)
    }

    /// Reports of the combination and of each part on labelled utterances.
    public func evaluate(_ utterances: [Utterance]) throws -> CombinedEvaluation {
        try evaluate(try parts(utterances), labels: utterances.map(\.label))
    }

    /// The reports of `p`, the parts' posteriors of utterances whose classes are `labels`.
    func evaluate(_ p: Parts, labels: [Int]) throws -> CombinedEvaluation {
        let classes = configuration.classes
        func report(_ posteriors: [[Double]]) throws -> ClassificationReport {
            try ClassificationReport(classes: classes, truth: labels, predicted: PosteriorFusion.predictions(posteriors))
        }
        let combined = try ClassificationReport(classes: classes, truth: labels, predicted: predictions(p))
        return CombinedEvaluation(combined: combined, members: try p.members.map(report),
                                  network: try report(p.network), functionals: try p.functionals.map(report), parts: p)
    }
}

/// What ``CombinedModel/evaluate(_:)`` reports.
public struct CombinedEvaluation {
    /// The combined model (what the model file predicts).
    public var combined: ClassificationReport
    /// Each network alone.
    public var members: [ClassificationReport]
    /// The networks' mean.
    public var network: ClassificationReport
    /// The functionals part alone (the mean of the functionals classifiers).
    public var functionals: ClassificationReport?
    /// The posteriors behind the reports.
    public var parts: CombinedModel.Parts

    /// Fold-result metadata: each part's UA (`network_ua`, `member_ua`, `functionals_ua`) with `prefix`.
    public func metadata(prefix: String) -> [String: String] {
        var m = [prefix + "network_ua": String(format: "%.4f", network.unweightedAccuracy),
                 prefix + "member_ua": members.map { String(format: "%.4f", $0.unweightedAccuracy) }.joined(separator: ",")]
        if let functionals { m[prefix + "functionals_ua"] = String(format: "%.4f", functionals.unweightedAccuracy) }
        return m
    }
}
