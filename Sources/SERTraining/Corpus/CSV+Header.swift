import Foundation

extension CSV {
    /// The records of CSV text whose first record is a header.
    /// - Throws: ``ManifestError`` (`csv`, or `noHeader` naming `source`).
    static func parseWithHeader(_ data: Data, source: String) throws -> (header: Record, rows: ArraySlice<Record>) {
        let records: [Record]
        do { records = try parse(data, source: source) } catch let e as CSVError { throw ManifestError.csv(e) }
        guard let header = records.first else { throw ManifestError.noHeader(file: source) }
        return (header, records.dropFirst())
    }

    /// The contents of a CSV file, for ``parseWithHeader(_:source:)``.
    /// - Throws: ``ManifestError/unreadable(file:reason:)`` naming the file.
    static func contents(of url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            let why = FileManager.default.fileExists(atPath: url.path) ? (error as NSError).localizedDescription : "no such file"
            throw ManifestError.unreadable(file: url.path, reason: why)
        }
    }
}
