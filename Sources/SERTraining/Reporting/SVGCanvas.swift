import Foundation

/// A minimal SVG writer: elements are appended as text, coordinates in user units (pixels), text
/// XML-escaped, numbers written with at most two decimals and a `.` (independent of the locale).
///
/// Every element can carry a `class` attribute; the plots use classes (`cell`, `row-label`,
/// `series`, …) so that tests and style sheets can find their parts.
public struct SVGCanvas: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `x` with at most two decimals, no trailing zeros, `-0` written as `0`.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        var s = String(format: "%.2f", x)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// Escapes `& < > " '` for use in text and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Control characters other than tab/newline are not allowed in XML 1.0.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    private static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { k, v in v.map { " \(k)=\"\(escape($0))\"" } }.joined()
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, className: String? = nil, title: String? = nil) {
        let attrs = Self.attributes([("class", className), ("x", Self.number(x)), ("y", Self.number(y)),
                                     ("width", Self.number(Swift.max(0, width))), ("height", Self.number(Swift.max(0, height))),
                                     ("fill", fill), ("stroke", stroke)])
        if let title {
            body.append("<rect\(attrs)><title>\(Self.escape(title))</title></rect>")
        } else {
            body.append("<rect\(attrs)/>")
        }
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    /// Text with its baseline at `y`; `rotate` (degrees) turns it about `(x, y)`.
    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                              fill: String = "#222", bold: Bool = false, rotate: Double? = nil, className: String? = nil) {
        let attrs = Self.attributes([("class", className), ("x", Self.number(x)), ("y", Self.number(y)),
                                     ("font-size", Self.number(size)), ("text-anchor", anchor.rawValue), ("fill", fill),
                                     ("font-weight", bold ? "bold" : nil),
                                     ("transform", rotate.map { "rotate(\(Self.number($0)) \(Self.number(x)) \(Self.number(y)))" })])
        body.append("<text\(attrs)>\(Self.escape(s))</text>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#888",
                              width: Double = 1, dash: String? = nil, className: String? = nil) {
        body.append("<line\(Self.attributes([("class", className), ("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)), ("stroke", stroke), ("stroke-width", Self.number(width)), ("stroke-dasharray", dash)]))/>")
    }

    /// An open line through `points`.
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2, dash: String? = nil,
                                  className: String? = nil, title: String? = nil) {
        let p = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        let attrs = Self.attributes([("class", className), ("points", p), ("fill", "none"), ("stroke", stroke),
                                     ("stroke-width", Self.number(width)), ("stroke-dasharray", dash), ("stroke-linejoin", "round")])
        body.append(title.map { "<polyline\(attrs)><title>\(Self.escape($0))</title></polyline>" } ?? "<polyline\(attrs)/>")
    }

    /// A closed filled shape through `points`.
    public mutating func polygon(_ points: [(x: Double, y: Double)], fill: String, className: String? = nil,
                                 title: String? = nil) {
        let p = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        let attrs = Self.attributes([("class", className), ("points", p), ("fill", fill), ("stroke", "none")])
        body.append(title.map { "<polygon\(attrs)><title>\(Self.escape($0))</title></polygon>" } ?? "<polygon\(attrs)/>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, className: String? = nil, title: String? = nil) {
        let attrs = Self.attributes([("class", className), ("cx", Self.number(cx)), ("cy", Self.number(cy)), ("r", Self.number(r)), ("fill", fill)])
        body.append(title.map { "<circle\(attrs)><title>\(Self.escape($0))</title></circle>" } ?? "<circle\(attrs)/>")
    }

    /// Starts a group (`<g>`); close it with ``endGroup()``.
    public mutating func beginGroup(className: String? = nil, id: String? = nil) {
        body.append("<g\(Self.attributes([("class", className), ("id", id)]))>")
    }

    public mutating func endGroup() { body.append("</g>") }

    /// The complete document: XML declaration, `<svg>` root with `viewBox`, a `<title>`, a white
    /// background and the elements in the order added.
    public func document(title: String) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
        s += "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        s += "<title>\(Self.escape(title))</title>\n"
        s += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#ffffff\"/>\n"
        for e in body { s += e + "\n" }
        s += "</svg>\n"
        return s
    }
}

/// Colours shared by the plots.
public enum PlotColors {
    /// A categorical palette (colour-blind safe, Okabe–Ito), repeated when there are more classes.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    public static func series(_ i: Int) -> String { palette[((i % palette.count) + palette.count) % palette.count] }

    /// A sequential white → dark blue scale for `t` in [0, 1] (clamped), as `#rrggbb`.
    public static func heat(_ t: Double) -> String {
        let u = t.isFinite ? Swift.min(1, Swift.max(0, t)) : 0
        // From #f7fbff (t = 0) to #08306b (t = 1), linear in RGB.
        let a = (247.0, 251.0, 255.0), b = (8.0, 48.0, 107.0)
        func hex(_ x: Double) -> String {
            let v = Int((x).rounded())
            let s = String(Swift.min(255, Swift.max(0, v)), radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + hex(a.0 + (b.0 - a.0) * u) + hex(a.1 + (b.1 - a.1) * u) + hex(a.2 + (b.2 - a.2) * u)
    }

    /// Text colour readable on `heat(t)`.
    public static func textOnHeat(_ t: Double) -> String { t > 0.5 ? "#ffffff" : "#111111" }
}
