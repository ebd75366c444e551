/// A failure to report to the user as `Error: <message>` (without the usage text that
/// argument-validation errors get).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
