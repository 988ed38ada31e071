import Foundation

/// The corpora `ser-cli prepare` knows, by name.
public enum CorpusKind: String, CaseIterable, Codable, Sendable {
    case emodb, ravdess, cremad, iemocap, nemo, folder
}

/// Import, validate and write a manifest in one step (`ser-cli prepare`).
///
/// 1. The corpus's importer lists its utterances and reports every file or annotation it leaves out
///    (``ImportReport``).
/// 2. ``ManifestValidator`` checks every imported row (audio exists and is readable, segments lie in
///    their files, no duplicates) and reports each problem row by row (``ValidationReport``).
/// 3. The rows without problems are written, atomically, as the manifest.
///
/// So every candidate is accounted for: written, dropped by the importer (with a reason), or named by
/// the validator.
public struct CorpusPreparation: Sendable {
    public var kind: CorpusKind
    public var root: URL
    /// Class selection and renaming; nil uses the corpus default (IEMOCAP: ``ClassSelection/fourClass``;
    /// the others: every label).
    public var selection: ClassSelection?
    /// Whether the validator opens every audio file.
    public var checkAudio = true
    /// Speaker pattern for the folder layout (``FolderPerLabelImporter``).
    public var speakerPattern: String?
    /// CREMA-D's `VideoDemographics.csv` for genders (nil: `<root>/VideoDemographics.csv` if present).
    public var demographics: URL?
    /// RAVDESS: also import the song recordings.
    public var includeSong = false

    public init(kind: CorpusKind, root: URL, selection: ClassSelection? = nil) {
        self.kind = kind
        self.root = root
        self.selection = selection
    }

    /// What a preparation found.
    public struct Outcome: Sendable {
        public var importResult: ImportResult
        public var validation: ValidationReport
        /// The rows to write (those without problems), with the corpus root as base directory.
        public var manifest: Manifest
    }

    /// Imports and validates (writes nothing).
    /// - Throws: ``CorpusImportError`` when the corpus cannot be imported at all.
    public func run() throws -> Outcome {
        let imported: ImportResult
        switch kind {
        case .emodb: imported = try EmoDBImporter().importCorpus(at: root, selection: selection ?? .all)
        case .ravdess: imported = try RAVDESSImporter(includeSong: includeSong).importCorpus(at: root, selection: selection ?? .all)
        case .cremad:
            let file = demographics ?? root.appendingPathComponent("VideoDemographics.csv")
            let genders = (demographics != nil || FileManager.default.fileExists(atPath: file.path))
                ? try CREMADImporter.readDemographics(file) : [:]
            imported = try CREMADImporter(genders: genders).importCorpus(at: root, selection: selection ?? .all)
        case .iemocap: imported = try IEMOCAPImporter().importCorpus(at: root, selection: selection ?? .fourClass)
        case .nemo:
            // data.tsv beside samples/ (the corpus's own layout), or in the root given.
            let table = [root.appendingPathComponent("data.tsv"), root.deletingLastPathComponent().appendingPathComponent("data.tsv")]
                .first { FileManager.default.fileExists(atPath: $0.path) }
            imported = try NEMOImporter(genders: try table.map(NEMOImporter.readGenders) ?? [:]).importCorpus(at: root, selection: selection ?? .all)
        case .folder:
            imported = try FolderPerLabelImporter(speakerPattern: speakerPattern).importCorpus(at: root, selection: selection ?? .all)
        }
        // A class asked for that no file has is a typo, not an empty column.
        if let wanted = selection?.classes {
            let found = Set(imported.manifest.entries.map(\.label))
            let absent = wanted.filter { !found.contains($0) }
            if !absent.isEmpty {
                var available = found
                for d in imported.report.dropped { if case .classNotSelected(let l) = d.reason { available.insert(l) } }
                throw CorpusImportError.unknownClasses(classes: absent, available: available.sorted())
            }
        }
        let validation = ManifestValidator(classes: (selection ?? (kind == .iemocap ? .fourClass : .all)).classes,
                                           checkAudio: checkAudio, checkSamples: checkAudio).validate(imported.manifest)
        guard !validation.validIndices.isEmpty else {
            var reasons = imported.report.droppedByCategory.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }
            for (problem, n) in validation.issueCounts.sorted(by: { $0.value > $1.value }) { reasons.append("\(n) \(problem)") }
            throw CorpusImportError.noUsableRows(root: root.path, corpus: kind.rawValue, candidates: imported.report.candidates,
                                                 reasons: Array(reasons.prefix(4)))
        }
        return Outcome(importResult: imported, validation: validation, manifest: imported.manifest.keeping(validation.validIndices))
    }
}

extension ClassSelection {
    /// A selection from command-line text: `classes` a comma-separated list (nil: keep every label),
    /// `mappings` items `from=to` (e.g. `excited=happy`).
    /// - Throws: ``ReportingError/invalidArgument(_:)`` for an empty class name, a repeated class, or a
    ///   mapping without `=` or with an empty side.
    public static func parse(classes: String?, mappings: [String]) throws -> ClassSelection {
        var list: [String]?
        if let classes {
            let names = classes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.contains(where: \.isEmpty) else {
                throw ReportingError.invalidArgument("--classes '\(classes)' has an empty class name")
            }
            guard Set(names).count == names.count else { throw ReportingError.invalidArgument("--classes '\(classes)' repeats a class") }
            list = names
        }
        var map = [String: String]()
        for m in mappings {
            let parts = m.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ReportingError.invalidArgument("--map '\(m)' is not of the form from=to (e.g. excited=happy)")
            }
            guard map[parts[0]] == nil else { throw ReportingError.invalidArgument("--map gives '\(parts[0])' twice") }
            map[parts[0]] = parts[1]
        }
        return ClassSelection(classes: list, mapping: map)
    }
}
