import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli prepare`: import a corpus, validate every row, print the summary, write the manifest.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Write a manifest (CSV) for a corpus: import, validate every row, print counts per class and speaker.",
        discussion: """
        Every candidate is accounted for: files the importer leaves out are listed with the reason (e.g. a \
        class not selected, IEMOCAP's no-majority rows), rows the validator finds a problem with (missing or \
        unreadable audio, duplicates) are listed one by one, and only the rows without problems are written. \
        The manifest is written atomically; paths under its folder are relative to it.
        """
    )

    @Option(name: .long, help: ArgumentHelp("Corpus layout: \(CorpusKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var corpus: String

    @Option(name: .long, help: ArgumentHelp("The corpus's top folder.", valueName: "dir"))
    var root: String

    @Option(name: .long, help: ArgumentHelp("Manifest file to write.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Classes to keep, comma-separated (default: every label; IEMOCAP: neutral,happy,sad,angry with excited=happy).", valueName: "list"))
    var classes: String?

    @Option(name: .customLong("map"), help: ArgumentHelp("Rename a label before selection (repeatable), e.g. excited=happy.", valueName: "from=to"))
    var mappings: [String] = []

    @Flag(name: .long, help: "Do not open the audio files (only labels and duplicates are checked).")
    var noAudioCheck = false

    @Option(name: .long, help: ArgumentHelp("Folder layout: regular expression finding the speaker in a file name (first group).", valueName: "regex"))
    var speakerPattern: String?

    @Option(name: .long, help: ArgumentHelp("CREMA-D: VideoDemographics.csv for genders (default: <root>/VideoDemographics.csv if present).", valueName: "file"))
    var demographics: String?

    @Flag(name: .long, help: "RAVDESS: also import the song recordings.")
    var includeSong = false

    @Option(name: .long, help: ArgumentHelp("Write a split column: these speakers (comma-separated) are `val`, the others `train` (unless --test-speakers).", valueName: "list"))
    var validationSpeakers: String?

    @Option(name: .long, help: ArgumentHelp("With --validation-speakers: these speakers are `test`.", valueName: "list"))
    var testSpeakers: String?

    @Option(name: .long, help: ArgumentHelp("Also write the import and validation reports as JSON.", valueName: "file"))
    var report: String?

    @Flag(name: .long, help: "List every file the importer left out (default: counts per reason and the first 20).")
    var verbose = false

    func run() throws {
        guard let kind = CorpusKind(rawValue: corpus.lowercased()) else {
            throw ValidationError("--corpus '\(corpus)' is not one of \(CorpusKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var prep = CorpusPreparation(kind: kind, root: URL(fileURLWithPath: root, isDirectory: true),
                                     selection: classes == nil && mappings.isEmpty ? nil : try ClassSelection.parse(classes: classes, mappings: mappings))
        prep.checkAudio = !noAudioCheck
        prep.speakerPattern = speakerPattern
        prep.demographics = demographics.map { URL(fileURLWithPath: $0) }
        prep.includeSong = includeSong
        let url = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if testSpeakers != nil && validationSpeakers == nil { throw ValidationError("--test-speakers needs --validation-speakers") }
        var outcome = try prep.run()
        if let validationSpeakers {
            func list(_ s: String?) -> [String] { (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            outcome.manifest = try SpeakerSplit(validationSpeakers: list(validationSpeakers), testSpeakers: list(testSpeakers))
                .apply(to: outcome.manifest)
        }
        let imported = outcome.importResult.report
        print(imported.text, terminator: "")
        let shown = verbose ? imported.dropped : Array(imported.dropped.prefix(20))
        for d in shown { print("  left out: \(d)") }
        if shown.count < imported.dropped.count {
            print("  … \(imported.dropped.count - shown.count) more (--verbose lists them all)")
        }
        let v = outcome.validation
        print("validation\(noAudioCheck ? " (audio not opened)" : ""): \(v.rows) rows, \(v.validIndices.count) valid, \(v.invalidRowCount) with problems")
        for issue in v.issues { print("  \(issue)") }
        print("")
        print(v.summary.table, terminator: "")
        try outcome.manifest.write(to: url)
        print("\nwrote \(outcome.manifest.entries.count) rows to \(url.path)")
        if validationSpeakers != nil {
            let counts = Dictionary(grouping: outcome.manifest.entries, by: { $0.split?.rawValue ?? "" }).mapValues(\.count)
            print("split column: \(["train", "val", "test"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", "))")
        }
        if v.invalidRowCount > 0 {
            print("note: \(v.invalidRowCount) row\(v.invalidRowCount == 1 ? "" : "s") with problems (listed above) \(v.invalidRowCount == 1 ? "was" : "were") not written")
        }
        if let report {
            struct Reports: Encodable { var importReport: ImportReport; var validation: ValidationReport }
            try ReportFiles.write(try ReportFiles.json(Reports(importReport: imported, validation: v)), to: URL(fileURLWithPath: report))
            print("wrote the reports to \(report)")
        }
    }
}
