import AscentEnvironments
import AscentTensor

extension ConfigurableRun {
    /// Full episodes of ``TrainingRun/policyAction(_:deterministic:generator:)`` on fresh copies
    /// of the environment (normalisation frozen), deterministic by default: every algorithm's
    /// `evaluate`. Episode `i` starts from seed `seed + i` (default: 1,000,000 + 1,000 × the
    /// training seed).
    public func evaluate(episodes: Int, deterministic: Bool = true, seed: UInt64? = nil, recordFrames: Bool = false,
                         physicalParameters: [String: Double] = [:]) throws -> (returns: [Double], lengths: [Double], frames: [RenderFrame]) {
        try evaluatePolicy(episodes: episodes, seed: seed, recordFrames: recordFrames, physicalParameters: physicalParameters) {
            try policyAction($0, deterministic: deterministic, generator: &$1)
        }
    }

    /// Full episodes of a policy on fresh copies of this run's environment: what every
    /// algorithm's `evaluate` runs. `act` maps one raw observation to the environment's
    /// action, drawing any noise from the evaluation's own generator.
    ///
    /// Episode `i` starts from seed `seed + i`; the default seed, 1,000,000 + 1,000 × the
    /// training seed, differs per training seed so evaluations of several seeds cover
    /// different start states. `physicalParameters` override the environment's physics.
    func evaluatePolicy(episodes: Int, seed: UInt64?, recordFrames: Bool, physicalParameters: [String: Double],
                        act: (_ observation: [Float], _ generator: inout RandomGenerator) throws -> [Float]) throws
        -> (returns: [Double], lengths: [Double], frames: [RenderFrame]) {
        guard episodes > 0 else { throw RLError.invalidHyperparameter(name: "episodes", value: "\(episodes)", expected: "must be positive") }
        let id = configuration.environment
        let seed = seed ?? 1_000_000 &+ 1_000 &* configuration.seed
        var generator = RandomGenerator(seed: seed, stream: Self.algorithm + "-evaluation")
        let env = try makeEvaluationEnvironment(id, options: configuration.environmentOptions, physicalParameters: physicalParameters)
        var returns: [Double] = [], lengths: [Double] = [], frames: [RenderFrame] = []
        for episode in 0..<episodes {
            var observation = try env.reset(seed: seed &+ UInt64(episode)).observation
            var total = 0.0
            for length in 1... {
                try requireEpisodeEnds(length: length, environment: id)
                let step = try env.step(try act(observation, &generator))
                if recordFrames && episode == 0 { frames.append(env.render()) }
                total += step.reward
                observation = step.observation
                if step.isDone {
                    lengths.append(Double(length))
                    break
                }
            }
            returns.append(total)
        }
        return (returns, lengths, frames)
    }
}

/// Longest episode anything runs to completion (evaluation, REINFORCE): an environment
/// without a time limit that never terminates would otherwise hang the program.
let maximumEpisodeLength = 1_000_000

func requireEpisodeEnds(length: Int, environment id: String) throws {
    guard length <= maximumEpisodeLength else {
        throw RLError.invalidHyperparameter(name: "environment", value: id,
                                            expected: "must end its episodes; one ran \(maximumEpisodeLength) steps without terminating (register it with maxEpisodeSteps, or pass the max_episode_steps option)")
    }
}
