import Foundation

/// Number formatting shared by the Markdown renderings.
enum Percent {
    /// `x` (a fraction) as a percentage with two decimals, e.g. `61.73`; `—` for nil.
    static func text(_ x: Double?) -> String {
        guard let x else { return "—" }
        return String(format: "%.2f", 100 * x)
    }
}

/// JSON encoding shared by reports and results: pretty-printed, sorted keys (stable diffs), `/` unescaped.
enum ResultJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data: Data
        do { data = try e.encode(value) } catch let EncodingError.invalidValue(v, c) {
            // JSON has no NaN or infinity; say where one came from instead of Foundation's error dump.
            let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw ReportingError.invalidArgument("cannot write JSON: the value \(v) at '\(path)' is not a finite number")
        }
        data.append(0x0A)
        return data
    }
}

extension ClassificationReport {
    /// The report as Markdown: UA, WA and macro F1; a per-class table (precision, recall, F1 in %,
    /// support, predicted); the confusion matrix with totals. Undefined values show as `—`.
    public var markdown: String {
        var s = "UA \(Percent.text(unweightedAccuracy)) % · WA \(Percent.text(weightedAccuracy)) % "
        s += "(\(correct) of \(total) correct) · macro F1 \(Percent.text(macroF1)) %\n"
        if !classesWithoutSupport.isEmpty {
            s += "\nClasses with no true examples (left out of UA and macro F1): \(classesWithoutSupport.joined(separator: ", "))\n"
        }
        s += "\n| class | precision (%) | recall (%) | F1 (%) | support | predicted |\n"
        s += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        for m in perClass {
            s += "| \(m.name) | \(Percent.text(m.precision)) | \(Percent.text(m.recall)) | \(Percent.text(m.f1)) | \(m.support) | \(m.predicted) |\n"
        }
        s += "\nConfusion matrix (rows: true class, columns: predicted class)\n\n"
        s += "| true \\ predicted | " + classes.joined(separator: " | ") + " | total |\n"
        s += "| --- |" + String(repeating: " ---: |", count: classes.count + 1) + "\n"
        for (i, row) in confusion.enumerated() {
            s += "| \(classes[i]) | " + row.map(String.init).joined(separator: " | ") + " | \(row.reduce(0, +)) |\n"
        }
        s += "| total | " + perClass.map { String($0.predicted) }.joined(separator: " | ") + " | \(total) |\n"
        return s
    }

    /// The report as pretty-printed JSON with sorted keys (undefined metrics are `null`).
    public func jsonData() throws -> Data { try ResultJSON.encode(self) }
}
