import Foundation

/// A generic layout with one folder per label: `root/<label>/<files>` (files may sit in subfolders of
/// the label folder). The label is the folder name.
///
/// The speaker comes from ``speakerPattern``, a regular expression searched in the file name (not the
/// folder): its first capture group, or the whole match when it has no group. A file whose name it does
/// not match is dropped and reported. Without a pattern every speaker is `unknown` (speaker-based
/// protocols then cannot split the data). Files directly in `root` are dropped and reported.
///
/// `@unchecked Sendable`: the compiled expression is immutable, and `NSRegularExpression` is documented
/// as safe to use from several threads.
public struct FolderPerLabelImporter: FileNameConvention, @unchecked Sendable {
    /// The speaker pattern as given.
    public let speakerPattern: String?
    private let regex: NSRegularExpression?

    /// - Throws: ``CorpusImportError/invalidPattern(pattern:reason:)`` for a malformed expression.
    public init(speakerPattern: String? = nil) throws {
        self.speakerPattern = speakerPattern
        if let speakerPattern {
            do { regex = try NSRegularExpression(pattern: speakerPattern) } catch {
                throw CorpusImportError.invalidPattern(pattern: speakerPattern, reason: (error as NSError).localizedDescription)
            }
        } else {
            regex = nil
        }
    }

    public var corpusName: String { "folder per label" }
    public var fileNamesAreUnique: Bool { false }

    public func entry(forRelativePath relativePath: String) -> Result<ManifestEntry, DropReason> {
        let components = relativePath.split(separator: "/").map(String.init)
        guard components.count >= 2 else { return .failure(.notInLabelFolder) }
        var speaker = "unknown"
        if let regex, let pattern = speakerPattern {
            let name = components[components.count - 1]
            let ns = name as NSString
            guard let m = regex.firstMatch(in: name, range: NSRange(location: 0, length: ns.length)) else {
                return .failure(.speakerPatternMismatch(pattern: pattern))
            }
            let range = m.numberOfRanges > 1 ? m.range(at: 1) : m.range
            guard range.location != NSNotFound, range.length > 0 else {
                return .failure(.speakerPatternMismatch(pattern: pattern))
            }
            speaker = ns.substring(with: range)
        }
        return .success(ManifestEntry(path: relativePath, label: components[0], speaker: speaker))
    }
}
