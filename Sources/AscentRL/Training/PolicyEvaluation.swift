import AscentEnvironments
import AscentTensor

/// Full episodes of a policy on fresh copies of an environment: what every algorithm's
/// `evaluate` runs.
///
/// Episode `i` starts from seed `seed + i`; the default seed, 1,000,000 + 1,000 × the
/// training seed, differs per training seed so evaluations of several seeds cover
/// different start states. `physicalParameters` override the environment's physics. `act` maps one raw observation to the environment's action.
func evaluatePolicy(environment id: String, options: [String: Double], physicalParameters: [String: Double] = [:],
                    episodes: Int, seed: UInt64, recordFrames: Bool, act: ([Float]) throws -> [Float]) throws -> (returns: [Double], frames: [RenderFrame]) {
    guard episodes > 0 else { throw RLError.invalidHyperparameter(name: "episodes", value: "\(episodes)", expected: "must be positive") }
    let env = try makeEvaluationEnvironment(id, options: options, physicalParameters: physicalParameters)
    var returns: [Double] = [], frames: [RenderFrame] = []
    for episode in 0..<episodes {
        var observation = try env.reset(seed: seed &+ UInt64(episode)).observation
        var total = 0.0
        for length in 1... {
            try requireEpisodeEnds(length: length, environment: id)
            let step = try env.step(try act(observation))
            if recordFrames && episode == 0 { frames.append(env.render()) }
            total += step.reward
            observation = step.observation
            if step.isDone { break }
        }
        returns.append(total)
    }
    return (returns, frames)
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

/// The default first evaluation seed for a training seed.
func defaultEvaluationSeed(trainingSeed: UInt64) -> UInt64 { 1_000_000 &+ 1_000 &* trainingSeed }
