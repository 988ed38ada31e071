import CLibSVM
import Foundation
import SERModels

/// Training a C-SVM with LIBSVM (Debian's `libsvm-dev`, the library scikit-learn's `SVC` wraps) and
/// copying the result into a ``SupportVectorMachine`` (Swift inference, no LIBSVM at prediction).
///
/// Settings as scikit-learn's `SVC` defaults: stopping tolerance 1e-3, shrinking on, 200 MB kernel
/// cache. Rows are passed grouped by class (stable), so LIBSVM numbers the classes 0, 1, … in order
/// and solves exactly the sub-problems scikit-learn's copy of LIBSVM solves. With `probability`,
/// LIBSVM fits each pair's Platt sigmoid by an internal 5-fold cross-validation whose folds come
/// from the C library's `rand()`, seeded here with `seed` (so a run is reproducible; scikit-learn
/// draws its folds differently, so its Platt parameters differ).
public enum LibSVMTraining {
    /// Training errors name what is wrong with the data or setting.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case invalidInput(String)
        case rejected(String)

        public var description: String {
            switch self {
            case .invalidInput(let m): return "SVM training: \(m)"
            case .rejected(let m): return "SVM training: LIBSVM rejected the parameters: \(m)"
            }
        }
    }

    /// LIBSVM's `rand()` and its print hook are process-wide: one training at a time.
    private static let lock = NSLock()

    /// Trains on `rows` `[samples][features]` (finite, standardised) with `labels` in `0..<classCount`,
    /// every class present. `classWeights[k]` multiplies C for class k (nil: 1).
    public static func train(rows: [[Double]], labels: [Int], classCount: Int, kernel: SupportVectorMachine.Kernel,
                             c: Double, gamma: Double, classWeights: [Double]? = nil, probability: Bool = false,
                             seed: UInt32 = 0) throws -> SupportVectorMachine {
        try withTrainedModel(rows: rows, labels: labels, classCount: classCount, kernel: kernel, c: c, gamma: gamma,
                             classWeights: classWeights, probability: probability, seed: seed) { model in
            try extract(model, classCount: classCount, features: rows[0].count, probability: probability)
        }
    }

    /// LIBSVM's own predictions for `queries` from a model trained as ``train(rows:labels:classCount:kernel:c:gamma:classWeights:probability:seed:)``
    /// does: decision values (`svm_predict_values`), probabilities (`svm_predict_probability`, with
    /// `probability`) and predicted classes, beside the extracted model. For tests of the Swift inference.
    static func reference(rows: [[Double]], labels: [Int], classCount: Int, kernel: SupportVectorMachine.Kernel, c: Double,
                          gamma: Double, classWeights: [Double]?, probability: Bool, seed: UInt32, queries: [[Double]]) throws
        -> (model: SupportVectorMachine, decisionValues: [[Double]], probabilities: [[Double]], predicted: [Int]) {
        try withTrainedModel(rows: rows, labels: labels, classCount: classCount, kernel: kernel, c: c, gamma: gamma,
                             classWeights: classWeights, probability: probability, seed: seed) { model in
            var m = model
            let extracted = try extract(model, classCount: classCount, features: rows[0].count, probability: probability)
            var decisions = [[Double]](), probabilities = [[Double]](), predicted = [Int]()
            for q in queries {
                var nodes = q.enumerated().map { svm_node(index: Int32($0.offset + 1), value: $0.element) }
                nodes.append(svm_node(index: -1, value: 0))
                var f = [Double](repeating: 0, count: classCount * (classCount - 1) / 2)
                predicted.append(Int(svm_predict_values(&m, &nodes, &f)))
                decisions.append(f)
                if probability {
                    var p = [Double](repeating: 0, count: classCount)
                    _ = svm_predict_probability(&m, &nodes, &p)
                    probabilities.append(p)
                }
            }
            return (extracted, decisions, probabilities, predicted)
        }
    }

    /// Validates the data, trains with LIBSVM and hands the model to `body` (freed afterwards).
    private static func withTrainedModel<T>(rows: [[Double]], labels: [Int], classCount: Int, kernel: SupportVectorMachine.Kernel,
                                            c: Double, gamma: Double, classWeights: [Double]?, probability: Bool, seed: UInt32,
                                            body: (svm_model) throws -> T) throws -> T {
        guard rows.count == labels.count, !rows.isEmpty else { throw Failure.invalidInput("\(rows.count) rows for \(labels.count) labels") }
        let d = rows[0].count
        guard d > 0 else { throw Failure.invalidInput("rows have no features") }
        if let bad = rows.firstIndex(where: { $0.count != d }) { throw Failure.invalidInput("row \(bad) has \(rows[bad].count) features, row 0 has \(d)") }
        if let bad = rows.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) { throw Failure.invalidInput("row \(bad) holds a NaN or infinite feature") }
        guard classCount >= 2, labels.allSatisfy({ (0..<classCount).contains($0) }) else {
            throw Failure.invalidInput("labels must lie in 0..<\(classCount) with at least two classes")
        }
        let missing = (0..<classCount).filter { !labels.contains($0) }
        guard missing.isEmpty else { throw Failure.invalidInput("no training rows of class index \(missing.map(String.init).joined(separator: ", "))") }
        guard c > 0, c.isFinite, gamma >= 0, gamma.isFinite else { throw Failure.invalidInput("C must be positive and gamma non-negative") }
        if let w = classWeights, w.count != classCount || !w.allSatisfy({ $0 > 0 && $0.isFinite }) {
            throw Failure.invalidInput("\(w.count) class weights for \(classCount) classes (each must be positive)")
        }
        let order = rows.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }

        // Dense rows as LIBSVM nodes: indices 1...d, then the terminator -1.
        let stride = d + 1
        let nodes = UnsafeMutablePointer<svm_node>.allocate(capacity: order.count * stride)
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<svm_node>?>.allocate(capacity: order.count)
        let targets = UnsafeMutablePointer<Double>.allocate(capacity: order.count)
        var weightLabels = (0..<Int32(classCount)).map { $0 }
        var weights = classWeights ?? [Double](repeating: 1, count: classCount)
        defer { nodes.deallocate(); pointers.deallocate(); targets.deallocate() }
        for (r, i) in order.enumerated() {
            for j in 0..<d { nodes[r * stride + j] = svm_node(index: Int32(j + 1), value: rows[i][j]) }
            nodes[r * stride + d] = svm_node(index: -1, value: 0)
            pointers[r] = nodes + r * stride
            targets[r] = Double(labels[i])
        }
        var problem = svm_problem(l: Int32(order.count), y: targets, x: pointers)

        return try weightLabels.withUnsafeMutableBufferPointer { wl in
            try weights.withUnsafeMutableBufferPointer { w in
                var parameter = svm_parameter()
                parameter.svm_type = Int32(C_SVC)
                parameter.kernel_type = Int32(kernel == .rbf ? RBF : LINEAR)
                parameter.degree = 3
                parameter.gamma = gamma
                parameter.coef0 = 0
                parameter.cache_size = 200
                parameter.eps = 1e-3
                parameter.C = c
                parameter.nr_weight = Int32(classCount)
                parameter.weight_label = wl.baseAddress
                parameter.weight = w.baseAddress
                parameter.nu = 0.5
                parameter.p = 0.1
                parameter.shrinking = 1
                parameter.probability = probability ? 1 : 0
                if let message = svm_check_parameter(&problem, &parameter) {
                    throw Failure.rejected(String(cString: message))
                }
                lock.lock()
                defer { lock.unlock() }
                svm_set_print_string_function { _ in }
                srand(seed)
                var model: UnsafeMutablePointer<svm_model>? = svm_train(&problem, &parameter)
                defer { svm_free_and_destroy_model(&model) }
                guard let trained = model?.pointee else { throw Failure.rejected("svm_train returned no model") }
                return try body(trained)
            }
        }
    }

    /// Copies a trained LIBSVM model into Swift arrays.
    static func extract(_ m: svm_model, classCount k: Int, features d: Int, probability: Bool) throws -> SupportVectorMachine {
        guard Int(m.nr_class) == k, let labels = m.label, let nSV = m.nSV, let sv = m.SV, let coef = m.sv_coef, let rho = m.rho else {
            throw Failure.rejected("the trained model has \(m.nr_class) classes, expected \(k)")
        }
        guard (0..<k).allSatisfy({ Int(labels[$0]) == $0 }) else { throw Failure.rejected("LIBSVM reordered the classes") }
        let l = Int(m.l), pairs = k * (k - 1) / 2
        let vectors: [[Double]] = (0..<l).map { s in
            var row = [Double](repeating: 0, count: d)
            guard var node = sv[s] else { return row }
            while node.pointee.index != -1 {
                let j = Int(node.pointee.index) - 1
                if (0..<d).contains(j) { row[j] = node.pointee.value }
                node += 1
            }
            return row
        }
        let coefficients = (0..<(k - 1)).map { r in (0..<l).map { coef[r]?[$0] ?? 0 } }
        var a: [Double]?, b: [Double]?
        if probability, let pa = m.probA, let pb = m.probB {
            a = (0..<pairs).map { pa[$0] }
            b = (0..<pairs).map { pb[$0] }
        }
        return SupportVectorMachine(kernel: m.param.kernel_type == Int32(RBF) ? .rbf : .linear, gamma: m.param.gamma,
                                    supportVectors: vectors, supportVectorCounts: (0..<k).map { Int(nSV[$0]) },
                                    coefficients: coefficients, rho: (0..<pairs).map { rho[$0] }, plattA: a, plattB: b)
    }
}
