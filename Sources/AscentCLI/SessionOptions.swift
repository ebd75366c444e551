import ArgumentParser

/// The options every command that trains shares (`train`, `resume`), validated once here
/// before anything is created or loaded.
struct SessionOptions: ParsableArguments {
    @Option(help: "Save a checkpoint (latest, and a numbered snapshot) every this many environment steps.")
    var checkpointEvery = StepCount(25_000)
    @Option(help: "Deterministic evaluation episodes at the end and at each --eval-every (0 to skip).") var evalEpisodes = 20
    @Option(help: ArgumentHelp("Evaluate every this many environment steps during training (0: only at the end).",
                               discussion: "Logged to evaluations.csv and TensorBoard's eval/mean_reward; the best is kept as checkpoints/best.safetensors."))
    var evalEvery = StepCount(0)

    func validate() throws {
        guard checkpointEvery.value > 0 else { throw ValidationError("--checkpoint-every must be 1 or more environment steps, got \(checkpointEvery.value)") }
        guard (0...100_000).contains(evalEpisodes) else {
            throw ValidationError("--eval-episodes must be 0...100000 (0 skips the evaluation), got \(evalEpisodes)")
        }
        guard evalEvery.value >= 0 else { throw ValidationError("--eval-every must be 0 (off) or a positive number of environment steps, got \(evalEvery.value)") }
        guard evalEvery.value == 0 || evalEpisodes > 0 else {
            throw ValidationError("--eval-every \(evalEvery.value) needs --eval-episodes of 1 or more (it is 0)")
        }
    }
}

/// A number of environment steps as users write it: `1000000`, `1_000_000` or `1e6`.
struct StepCount: ExpressibleByArgument, Equatable {
    let value: Int

    init(_ value: Int) { self.value = value }

    init?(argument: String) {
        let digits = argument.replacingOccurrences(of: "_", with: "")
        if let integer = Int(digits) {
            value = integer
        } else if let real = Double(digits), real.isFinite, real == real.rounded(), abs(real) < 9e18 {
            value = Int(real)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { "\(value)" }
}
