import Foundation

extension TrainingConfiguration {
    /// Decodes a configuration strictly (``StrictJSONDecoding``): the text must be one JSON object
    /// without duplicate keys; a key that no setting reads, at any depth, is an error naming its dotted
    /// path and the known keys there; a value of the wrong type names its key. Absent keys take their
    /// defaults (an empty object `{}` is the paper's spectrogram STRFNet with the §3.2 settings, the
    /// same as `ser-cli config` without options, optional settings off).
    /// - Throws: ``ConfigurationError``.
    public static func decode(_ data: Data) throws -> TrainingConfiguration {
        try StrictJSONDecoding.decode(TrainingConfiguration.self, from: data, topLevelKeys: CodingKeys.allCases.map(\.rawValue))
    }

    /// Reads and strictly decodes the configuration file at `url` (see ``decode(_:)``).
    /// - Throws: ``ReportingError/unreadableRunFile(file:reason:)`` naming the file and the problem.
    public static func read(from url: URL) throws -> TrainingConfiguration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReportingError.unreadableRunFile(file: url.path, reason: (error as NSError).localizedDescription)
        }
        do { return try decode(data) } catch {
            throw ReportingError.unreadableRunFile(file: url.path, reason: "not a training configuration: \(error)")
        }
    }
}
