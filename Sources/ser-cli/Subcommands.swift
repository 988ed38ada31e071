import ArgumentParser

extension SERCommand {
    /// Every subcommand, in the order `--help` lists them. Each lives in its own file.
    static let allSubcommands: [ParsableCommand.Type] = [
        DemoCommand.self,
        PrepareCommand.self,
        TrainCommand.self,
        CrossValidateCommand.self,
        ConfigCommand.self,
        MergeCommand.self,
        EvaluateCommand.self,
        PredictCommand.self,
        InfoCommand.self,
        FeaturesCommand.self,
        Wav2VecCommand.self,
        ExportCommand.self,
        BenchCommand.self,
    ]
}
