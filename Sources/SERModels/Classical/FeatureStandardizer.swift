/// Standardisation of feature vectors, `z_j = (x_j − mean_j) / scale_j`, fitted on a training set
/// (scikit-learn's `StandardScaler`): `mean` is the column mean, `scale` the population standard
/// deviation (divisor `n`), replaced by 1 for a feature whose deviation is below `10·ε` (ε the
/// float64 machine epsilon), so a constant feature maps to 0 instead of dividing by zero.
public struct FeatureStandardizer: Equatable, Sendable {
    /// Per-feature mean, `[features]`.
    public var mean: [Double]
    /// Per-feature divisor (> 0), `[features]`.
    public var scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        precondition(mean.count == scale.count, "FeatureStandardizer: \(mean.count) means, \(scale.count) scales")
        self.mean = mean
        self.scale = scale
    }

    public var featureCount: Int { mean.count }

    /// Fitted on `rows` `[samples][features]` (at least one row, all of one width).
    public static func fit(_ rows: [[Double]]) -> FeatureStandardizer {
        precondition(!rows.isEmpty, "FeatureStandardizer.fit: no rows")
        let d = rows[0].count, n = Double(rows.count)
        var mean = [Double](repeating: 0, count: d)
        for r in rows {
            precondition(r.count == d, "FeatureStandardizer.fit: rows of \(d) and \(r.count) features")
            for j in 0..<d { mean[j] += r[j] }
        }
        for j in 0..<d { mean[j] /= n }
        var variance = [Double](repeating: 0, count: d)
        for r in rows { for j in 0..<d { let e = r[j] - mean[j]; variance[j] += e * e } }
        let floor = 10 * Double.ulpOfOne
        let scale = variance.map { v -> Double in
            let s = (v / n).squareRoot()
            return s < floor ? 1 : s
        }
        return FeatureStandardizer(mean: mean, scale: scale)
    }

    /// `row` standardised, `[features]`.
    public func apply(_ row: [Double]) -> [Double] {
        precondition(row.count == mean.count, "FeatureStandardizer.apply: \(row.count) features, fitted on \(mean.count)")
        return (0..<row.count).map { (row[$0] - mean[$0]) / scale[$0] }
    }

    /// Every row standardised.
    public func apply(_ rows: [[Double]]) -> [[Double]] { rows.map(apply) }
}

/// Per-speaker standardisation of utterance feature vectors: every speaker's rows get zero mean and
/// unit variance per feature, with that speaker's own statistics over all its rows (labels unused).
/// The mean and the population standard deviation (divisor `n`) are taken per speaker; a deviation
/// of at most `1e-8` is replaced by 1. This is what the accuracy anchor `egemaps_spknorm.py` does;
/// for a test speaker it uses that speaker's unlabelled utterances.
public enum SpeakerStandardization {
    /// Deviations at or below this are replaced by 1.
    public static let deviationFloor = 1e-8

    /// `rows` `[samples][features]` standardised per speaker; `speakers[i]` names row i's speaker.
    public static func apply(_ rows: [[Double]], speakers: [String]) -> [[Double]] {
        precondition(rows.count == speakers.count, "SpeakerStandardization: \(rows.count) rows, \(speakers.count) speakers")
        var groups: [String: [Int]] = [:]
        for (i, s) in speakers.enumerated() { groups[s, default: []].append(i) }
        var out = rows
        for (_, members) in groups {
            let own = members.map { rows[$0] }
            let mean = FeatureStandardizer.fit(own).mean
            let standardizer = FeatureStandardizer(mean: mean, scale: deviations(own, mean: mean))
            for i in members { out[i] = standardizer.apply(rows[i]) }
        }
        return out
    }

    /// Population standard deviations with the ``deviationFloor`` rule.
    private static func deviations(_ rows: [[Double]], mean: [Double]) -> [Double] {
        var variance = [Double](repeating: 0, count: mean.count)
        for r in rows { for j in 0..<mean.count { let e = r[j] - mean[j]; variance[j] += e * e } }
        return variance.map { v in
            let s = (v / Double(rows.count)).squareRoot()
            return s > deviationFloor ? s : 1
        }
    }
}
