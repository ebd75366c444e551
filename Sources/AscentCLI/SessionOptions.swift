import ArgumentParser

/// The options every command that trains shares (`train`, `resume`), validated once here
/// before anything is created or loaded.
struct SessionOptions: ParsableArguments {
    @Option(help: "Save a numbered checkpoint every this many metrics rows.") var checkpointEvery = 25
    @Option(help: "Deterministic evaluation episodes at the end and at each --eval-every (0 to skip).") var evalEpisodes = 20
    @Option(help: ArgumentHelp("Evaluate every this many environment steps during training (0: only at the end).",
                               discussion: "Logged to evaluations.csv and TensorBoard's eval/mean_reward; the best is kept as checkpoints/best.safetensors."))
    var evalEvery = 0

    func validate() throws {
        guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be 1 or more, got \(checkpointEvery)") }
        guard (0...100_000).contains(evalEpisodes) else {
            throw ValidationError("--eval-episodes must be 0...100000 (0 skips the evaluation), got \(evalEpisodes)")
        }
        guard evalEvery >= 0 else { throw ValidationError("--eval-every must be 0 (off) or a positive number of environment steps, got \(evalEvery)") }
        guard evalEvery == 0 || evalEpisodes > 0 else {
            throw ValidationError("--eval-every \(evalEvery) needs --eval-episodes of 1 or more (it is 0)")
        }
    }
}
