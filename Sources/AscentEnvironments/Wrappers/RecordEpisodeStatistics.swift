import Foundation

/// Adds the finished episode's return, length and wall time to the info of its last step
/// (`episode_return`, `episode_length`, `episode_seconds`). Put it inside reward
/// normalisation to record the environment's true returns.
public final class RecordEpisodeStatistics: Wrapper {
    public private(set) var episodeReturn = 0.0
    public private(set) var episodeLength = 0
    private var start = Date()

    public init(_ inner: any Environment) { super.init(wrapping: inner) }

    public override func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        episodeReturn = 0
        episodeLength = 0
        start = Date()
        return try inner.reset(seed: seed, options: options)
    }

    public override func step(_ action: [Float]) throws -> Step {
        var result = try inner.step(action)
        episodeReturn += result.reward
        episodeLength += 1
        if result.isDone {
            result.info["episode_return"] = episodeReturn
            result.info["episode_length"] = Double(episodeLength)
            result.info["episode_seconds"] = Date().timeIntervalSince(start)
        }
        return result
    }

    public override func savedState() throws -> EnvironmentState {
        var saved = try super.savedState()
        saved.values["episode_return"] = [episodeReturn]
        saved.set("episode_length", [episodeLength])
        return saved
    }

    /// The episode's wall time restarts: it is not part of what the environment does next.
    public override func restoreState(_ saved: EnvironmentState) throws {
        try super.restoreState(saved)
        episodeReturn = try saved.values("episode_return", count: 1, of: name)[0]
        episodeLength = try saved.integers("episode_length", count: 1, in: 0...(1 << 53), of: name)[0]
        start = Date()
    }
}
