import ArgumentParser

/// The root command `dblambda`. To add a subcommand, add its type to `subcommands`.
struct DBLambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dblambda",
        abstract: "Tools for calling AWS Lambda from databases.",
        discussion: """
            Global option: --debug (before or after the subcommand) logs the request flow at trace level to \
            standard error. Secrets (secret keys, session tokens, signatures) are never logged.
            """,
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
            RelayCommand.self,
            OutboxCommand.self,
        ]
    )
}
