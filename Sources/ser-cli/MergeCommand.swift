import ArgumentParser
import Foundation
import SERTraining

/// `ser-cli merge`: fold results from several folders into one summary.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge fold results (result.json) from cross-validation folders into summary.json / summary.md.",
        discussion: """
        Each argument is a cv output folder (its fold folders' result.json files are used), a fold folder, or a \
        result.json file. All folds of the protocol must be present exactly once, from the same protocol, fold \
        count and classes. Writes summary.json, summary.md and confusion-pooled.svg into --output and prints the table.
        """
    )

    @Argument(help: ArgumentHelp("cv output folders, fold folders or result.json files.", valueName: "path"))
    var inputs: [String]

    @Option(name: .long, help: ArgumentHelp("Folder for the summary.", valueName: "dir"))
    var output: String

    func run() throws {
        let summary = try CrossValidationReports.merge(inputs.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: output, isDirectory: true))
        print(summary.markdown)
        FileHandle.standardError.write(Data("wrote summary.json, summary.md and confusion-pooled.svg to \(output)\n".utf8))
    }
}
