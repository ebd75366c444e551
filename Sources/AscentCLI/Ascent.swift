import ArgumentParser
import AscentTensor
import Foundation

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
            try checkRequestedInstructionSet()
            main(try CommandLineSurface.rewrite(Array(CommandLine.arguments.dropFirst())))
        } catch {
            exit(withError: error)
        }
    }
}

/// `ASCENT_ISA` (portable, avx2, avx512) runs the kernels at a lower instruction-set level than
/// the CPU's best, to reproduce another machine's results: a misspelt value is an error, and a
/// level the CPU lacks says which one runs instead.
func checkRequestedInstructionSet() throws {
    guard let requested = ProcessInfo.processInfo.environment["ASCENT_ISA"] else { return }
    let valid = TensorBenchmark.instructionSets
    guard valid.contains(requested) else {
        throw CLIError("ASCENT_ISA='\(requested)' is not an instruction-set level; valid: \(valid.joined(separator: ", "))")
    }
    let running = TensorBenchmark.instructionSetInUse
    if running != requested {
        FileHandle.standardError.write(Data("note: ASCENT_ISA=\(requested) asks for more than this CPU has; the kernels run at \(running)\n".utf8))
    }
}
