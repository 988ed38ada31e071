import ArgumentParser

/// `ser-cli`: the thin command-line front end of SwiftSER. Every subcommand parses its arguments,
/// calls the library, and prints; the work itself is a library call a Swift user can make too.
@main
struct SERCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ser-cli",
        abstract: "Speech emotion recognition: audio analysis, features, training and evaluation.",
        version: "0.1.0",
        subcommands: SERCommand.allSubcommands
    )
}
