import ArgumentParser

/// The root command `dblambda`. To add a subcommand, add its type to `subcommands`.
struct DBLambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dblambda",
        abstract: "Tools for calling AWS Lambda from databases.",
        subcommands: [
            SignCommand.self,
            InvokeCommand.self,
            EventsCommand.self,
            SQLCommand.self,
            NetworkCommand.self,
            PolicyCommand.self,
            PlanCommand.self,
            VerifyCommand.self,
            ServeLocalCommand.self,
        ]
    )
}
