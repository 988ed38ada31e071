import Foundation
import SERTensor

/// Shared helpers for the test bundles: locating committed fixtures and comparing tensors.
/// Not a product; only test targets depend on it.
public enum Fixtures {
    /// The package root (the directory holding Package.swift), found from this source file's path.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `Tests/Fixtures/<relativePath>` under the package root.
    public static func url(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
    }

    /// Decodes a JSON fixture.
    public static func json<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(relativePath)))
    }

    /// A fresh temporary directory, removed by the caller (or left in /tmp).
    public static func temporaryDirectory(_ prefix: String = "swiftser-test") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A tensor as stored in the JSON fixtures: `{"shape": [...], "data": [...]}`.
public struct TensorFixture: Codable {
    public var shape: [Int]
    public var data: [Double]

    /// As a float32 tensor.
    public var tensor: Tensor { Tensor(shape: shape, scalars: data.map { Float($0) }) }

    /// As a tensor of `dtype`, converted from the stored doubles directly (no float32 rounding).
    public func tensor(_ dtype: DType) -> Tensor {
        dtype == .float64 ? Tensor(shape: shape, scalars: data) : tensor
    }
}

/// Element-wise comparison result: the worst absolute and relative error and where it occurred.
public struct Discrepancy: CustomStringConvertible {
    public var maxAbsolute: Double = 0
    public var maxRelative: Double = 0
    public var worstIndex: Int = -1
    public var description: String { "max abs \(maxAbsolute), max rel \(maxRelative) at element \(worstIndex)" }

    /// Compares `actual` with `expected`; relative error is `|a − e| / max(|e|, floor)`.
    public static func between(_ actual: [Double], _ expected: [Double], floor: Double = 1e-6) -> Discrepancy {
        var d = Discrepancy()
        precondition(actual.count == expected.count, "Discrepancy: \(actual.count) vs \(expected.count) elements")
        for i in 0..<actual.count {
            let a = actual[i], e = expected[i]
            if a == e { continue }  // also equal infinities
            let abs = (a - e).magnitude
            let rel = abs / Swift.max(e.magnitude, floor)
            if abs.isNaN || rel > d.maxRelative { d.maxRelative = abs.isNaN ? .infinity : rel; d.worstIndex = i }
            if abs.isNaN || abs > d.maxAbsolute { d.maxAbsolute = abs.isNaN ? .infinity : abs }
        }
        return d
    }
}
