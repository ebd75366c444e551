@testable import AscentCLI

/// Runs `ascent` with `arguments` in-process, as the shell would: nil when the command
/// succeeds, else the message it prints for the error.
func runAscent(_ arguments: [String]) -> String? {
    do {
        var command = try Ascent.parseAsRoot(arguments)
        try command.run()
        return nil
    } catch {
        return Ascent.message(for: error)
    }
}
