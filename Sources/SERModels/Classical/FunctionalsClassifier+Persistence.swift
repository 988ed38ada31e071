import Foundation
import SERTensor

/// Why a functionals classifier file cannot be used; each case names the file and what is wrong.
public enum FunctionalsModelError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case missingTensor(file: String, name: String)
    case tensorShape(file: String, name: String, shape: [Int], expected: String)
    case nonFinite(file: String, name: String, index: Int)
    case metadata(file: String, key: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): not a functionals classifier: \(reason)"
        case let .missingTensor(file, name): return "\(file): tensor '\(name)' is missing; the file is incomplete or not a functionals classifier"
        case let .tensorShape(file, name, shape, expected): return "\(file): tensor '\(name)' has shape \(shape), expected \(expected)"
        case let .nonFinite(file, name, index): return "\(file): tensor '\(name)' holds a NaN or infinite value at element \(index)"
        case let .metadata(file, key, reason): return "\(file): metadata '\(key)' \(reason)"
        }
    }
}

/// The classifier's tensors and metadata: the payload of a `functionals` member of a model file
/// (``FunctionalsClassifierModule``, ``EmotionModelMember/functionals``), and, on their own, the format of the
/// `best.safetensors` that functionals runs wrote before they had a model file (``save(to:)`` / ``load(from:)``,
/// kept so those runs still load).
///
/// The file format (safetensors, every tensor `F64`):
///
/// | tensor | shape | |
/// | --- | --- | --- |
/// | `standardizer.mean`, `standardizer.scale` | `[d]` | ``FeatureStandardizer`` |
/// | `svm.support_vectors` | `[l, d]` | grouped by class |
/// | `svm.n_support` | `[K]` | support vectors per class (integers) |
/// | `svm.dual_coef` | `[K−1, l]` | LIBSVM `sv_coef`, scikit-learn `dual_coef_` |
/// | `svm.rho` | `[K(K−1)/2]` | scikit-learn `intercept_ = −rho` |
/// | `svm.prob_a`, `svm.prob_b` | `[K(K−1)/2]` | Platt parameters (optional, both or neither) |
/// | `logreg.coef`, `logreg.intercept` | `[K, d]`, `[K]` | |
///
/// Metadata: `format` = `swiftser-functionals-classifier`, `format_version` = `1`, `kind` (`svm` or
/// `logreg`), `kernel` (`linear` or `rbf`, SVM), `gamma` (SVM), `C`, `classes` and `feature_names`
/// (JSON arrays of strings), `feature_set`, `speaker_standardization` (`true` / `false`).
extension FunctionalsClassifier {
    public static let formatName = "swiftser-functionals-classifier"

    /// The tensors and metadata of the file.
    public func encoded() -> (tensors: [String: Tensor], metadata: [String: String]) {
        func vector(_ v: [Double]) -> Tensor { Tensor(shape: [v.count], scalars: v) }
        func matrix(_ m: [[Double]], columns: Int) -> Tensor { Tensor(shape: [m.count, columns], scalars: m.flatMap { $0 }) }
        var t: [String: Tensor] = ["standardizer.mean": vector(standardizer.mean), "standardizer.scale": vector(standardizer.scale)]
        var meta: [String: String] = [
            "format": Self.formatName, "format_version": "1", "C": "\(regularization)",
            "classes": Self.jsonArray(classes), "feature_names": Self.jsonArray(featureNames),
            "feature_set": featureSet, "speaker_standardization": speakerStandardization ? "true" : "false",
        ]
        let d = standardizer.featureCount
        switch model {
        case .svm(let m):
            meta["kind"] = "svm"
            meta["kernel"] = m.kernel.rawValue
            meta["gamma"] = "\(m.gamma)"
            t["svm.support_vectors"] = matrix(m.supportVectors, columns: d)
            t["svm.n_support"] = vector(m.supportVectorCounts.map(Double.init))
            t["svm.dual_coef"] = matrix(m.coefficients, columns: m.supportVectors.count)
            t["svm.rho"] = vector(m.rho)
            if let a = m.plattA, let b = m.plattB {
                t["svm.prob_a"] = vector(a)
                t["svm.prob_b"] = vector(b)
            }
        case .logisticRegression(let m):
            meta["kind"] = "logreg"
            t["logreg.coef"] = matrix(m.weights, columns: d)
            t["logreg.intercept"] = vector(m.intercepts)
        }
        return (t, meta)
    }

    /// Writes the classifier to `url` (atomically).
    public func save(to url: URL) throws {
        let (tensors, metadata) = encoded()
        try Safetensors.write(tensors, metadata: metadata, to: url, keepFloat64: true)
    }

    /// Loads and validates a classifier written by ``save(to:)``.
    /// - Throws: ``FunctionalsModelError`` naming the file and the tensor or metadata key at fault.
    public static func load(from url: URL) throws -> FunctionalsClassifier {
        let tensors: [String: Tensor], meta: [String: String]
        do { (tensors, meta) = try Safetensors.readWithMetadata(from: url, as: .float64) } catch {
            throw FunctionalsModelError.unreadable(file: url.path, reason: "\(error)")
        }
        return try decode(tensors: tensors, metadata: meta, source: url.path)
    }

    /// Validates and assembles tensors and metadata (``encoded()``'s form); `source` names them in errors.
    public static func decode(tensors: [String: Tensor], metadata meta: [String: String], source: String) throws -> FunctionalsClassifier {
        func key(_ k: String) throws -> String {
            guard let v = meta[k] else { throw FunctionalsModelError.metadata(file: source, key: k, reason: "is missing") }
            return v
        }
        guard meta["format"] == formatName else {
            throw FunctionalsModelError.metadata(file: source, key: "format", reason: "is '\(meta["format"] ?? "")', expected '\(formatName)'")
        }
        guard meta["format_version"] == "1" else {
            throw FunctionalsModelError.metadata(file: source, key: "format_version", reason: "is '\(meta["format_version"] ?? "")'; this version reads 1")
        }
        let classes = try strings(key("classes"), key: "classes", source: source)
        let names = try strings(key("feature_names"), key: "feature_names", source: source)
        guard classes.count >= 2, Set(classes).count == classes.count else {
            throw FunctionalsModelError.metadata(file: source, key: "classes", reason: "must name at least two distinct classes")
        }
        guard let c = Double(try key("C")), c > 0, c.isFinite else {
            throw FunctionalsModelError.metadata(file: source, key: "C", reason: "must be a positive number")
        }
        let speakers: Bool
        switch try key("speaker_standardization") {
        case "true": speakers = true
        case "false": speakers = false
        case let v: throw FunctionalsModelError.metadata(file: source, key: "speaker_standardization", reason: "is '\(v)', expected true or false")
        }
        let k = classes.count, d = names.count, pairs = k * (k - 1) / 2
        func tensor(_ name: String, _ shape: [Int?], _ expected: String) throws -> Tensor {
            guard let t = tensors[name] else { throw FunctionalsModelError.missingTensor(file: source, name: name) }
            guard t.shape.count == shape.count, zip(t.shape, shape).allSatisfy({ $1 == nil || $0 == $1 }) else {
                throw FunctionalsModelError.tensorShape(file: source, name: name, shape: t.shape, expected: expected)
            }
            if let bad = t.doubles.firstIndex(where: { !$0.isFinite }) {
                throw FunctionalsModelError.nonFinite(file: source, name: name, index: bad)
            }
            return t
        }
        func rows(_ t: Tensor) -> [[Double]] {
            let v = t.doubles, w = t.shape[1]
            return (0..<t.shape[0]).map { Array(v[($0 * w)..<(($0 + 1) * w)]) }
        }
        let mean = try tensor("standardizer.mean", [d], "[\(d)] (one per feature name)").doubles
        let scale = try tensor("standardizer.scale", [d], "[\(d)] (one per feature name)").doubles
        if let bad = scale.firstIndex(where: { !($0 > 0) }) {
            throw FunctionalsModelError.tensorShape(file: source, name: "standardizer.scale", shape: [d], expected: "positive values (element \(bad) is \(scale[bad]))")
        }
        let model: Model
        switch try key("kind") {
        case "svm":
            guard let kernel = SupportVectorMachine.Kernel(rawValue: try key("kernel")) else {
                throw FunctionalsModelError.metadata(file: source, key: "kernel", reason: "is '\(meta["kernel"] ?? "")', expected linear or rbf")
            }
            guard let gamma = Double(try key("gamma")), gamma.isFinite, gamma >= 0 else {
                throw FunctionalsModelError.metadata(file: source, key: "gamma", reason: "must be a non-negative number")
            }
            let counts = try tensor("svm.n_support", [k], "[\(k)] (one per class)").doubles
            guard counts.allSatisfy({ $0 >= 1 && $0 == $0.rounded() }) else {
                throw FunctionalsModelError.tensorShape(file: source, name: "svm.n_support", shape: [k], expected: "positive integers")
            }
            let l = Int(counts.reduce(0, +))
            let sv = try tensor("svm.support_vectors", [l, d], "[\(l), \(d)] (svm.n_support sums to \(l))")
            let coef = try tensor("svm.dual_coef", [k - 1, l], "[\(k - 1), \(l)]")
            let rho = try tensor("svm.rho", [pairs], "[\(pairs)] (one per class pair)").doubles
            var a: [Double]?, b: [Double]?
            if tensors["svm.prob_a"] != nil || tensors["svm.prob_b"] != nil {
                a = try tensor("svm.prob_a", [pairs], "[\(pairs)]").doubles
                b = try tensor("svm.prob_b", [pairs], "[\(pairs)]").doubles
            }
            model = .svm(SupportVectorMachine(kernel: kernel, gamma: gamma, supportVectors: rows(sv), supportVectorCounts: counts.map { Int($0) },
                                              coefficients: rows(coef), rho: rho, plattA: a, plattB: b))
        case "logreg":
            let w = try tensor("logreg.coef", [k, d], "[\(k), \(d)]")
            let b = try tensor("logreg.intercept", [k], "[\(k)]").doubles
            model = .logisticRegression(MultinomialLogisticRegression(weights: rows(w), intercepts: b))
        case let other:
            throw FunctionalsModelError.metadata(file: source, key: "kind", reason: "is '\(other)', expected svm or logreg")
        }
        return FunctionalsClassifier(classes: classes, featureNames: names, featureSet: try key("feature_set"), speakerStandardization: speakers,
                                     standardizer: FeatureStandardizer(mean: mean, scale: scale), model: model, regularization: c)
    }

    static func jsonArray(_ s: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(s), as: UTF8.self)) ?? "[]"
    }

    static func strings(_ text: String, key: String, source: String) throws -> [String] {
        guard let v = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw FunctionalsModelError.metadata(file: source, key: key, reason: "is not a JSON array of strings")
        }
        return v
    }
}
