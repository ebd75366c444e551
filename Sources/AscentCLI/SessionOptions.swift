import ArgumentParser

/// The options every command that trains shares (`train`, `resume`), validated once here
/// before anything is created or loaded.
struct SessionOptions: ParsableArguments {
    @Option(help: "Save a numbered checkpoint every this many metrics rows.") var checkpointEvery = 25
    @Option(help: "Deterministic evaluation episodes at the end (0 to skip).") var evalEpisodes = 20

    func validate() throws {
        guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be 1 or more, got \(checkpointEvery)") }
        guard (0...100_000).contains(evalEpisodes) else {
            throw ValidationError("--eval-episodes must be 0...100000 (0 skips the evaluation), got \(evalEpisodes)")
        }
    }
}
