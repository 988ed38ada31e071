/// The order speakers, sessions and folds are listed in: "natural" order, where runs of ASCII digits
/// compare as numbers (`2` < `10`, `Ses2` < `Ses10`) and everything else compares by Unicode scalar
/// value. Strings equal under that rule (`01` and `1`) fall back to plain `<`, so the order is total and
/// the same on every machine (no locale).
public enum NaturalOrder {
    /// Whether `a` comes before `b`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                let si = i, sj = j
                while i < x.count && isDigit(x[i]) { i += 1 }
                while j < y.count && isDigit(y[j]) { j += 1 }
                let p = stripZeros(x[si..<i]), q = stripZeros(y[sj..<j])
                if p.count != q.count { return p.count < q.count }
                for (u, v) in zip(p, q) where u != v { return u.value < v.value }
            } else {
                if x[i] != y[j] { return x[i].value < y[j].value }
                i += 1; j += 1
            }
        }
        if (x.count - i) != (y.count - j) { return (x.count - i) < (y.count - j) }
        return a < b
    }

    /// `values` in natural order.
    public static func sorted<S: Sequence>(_ values: S) -> [String] where S.Element == String {
        values.sorted(by: precedes)
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    private static func stripZeros(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var t = s
        while t.count > 1, let f = t.first, f.value == 48 { t = t.dropFirst() }
        return t
    }
}
