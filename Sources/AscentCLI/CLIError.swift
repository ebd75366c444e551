import ArgumentParser
import AscentRLHF

/// A failure to report to the user as `Error: <message>` (without the usage text that
/// argument-validation errors get).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning library errors into command-line errors with their message (a stage
/// stopped by Ctrl-C passes through: its caller reports it).
func cliErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CustomStringConvertible where !(error is ValidationError) && !(error is CLIError) && !(error is StageStopped) {
        throw CLIError(error.description)
    }
}
