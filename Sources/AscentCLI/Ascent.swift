import ArgumentParser
import AscentTensor

@main
struct Ascent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ascent",
        abstract: "Policy-gradient reinforcement learning, from continuous control to RLHF.",
        version: AscentVersion.string,
        subcommands: [Train.self, Eval.self, Resume.self, Report.self, Export.self, Compare.self, Experiment.self, RLHF.self, Demo.self, Env.self, Inspect.self, Bench.self]
    )

    /// Parses the command line after `CommandLineSurface`'s rewriting.
    static func main() {
        do {
            main(try CommandLineSurface.rewrite(Array(CommandLine.arguments.dropFirst())))
        } catch {
            exit(withError: error)
        }
    }
}
