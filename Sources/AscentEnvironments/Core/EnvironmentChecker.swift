import AscentRandom

/// Checks that an environment behaves as Ascent (and Gymnasium) expect, like Gymnasium's
/// `check_env`: runs resets and random actions and reports every problem it finds rather
/// than stopping at the first.
public enum EnvironmentChecker {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Runs `episodes` episodes of at most `maxSteps` random actions.
    public static func check(_ environment: any Environment, episodes: Int = 3, maxSteps: Int = 1000,
                             seed: UInt64 = 0) -> [Problem] {
        var problems: [String] = []
        func report(_ message: String) { if !problems.contains(message) { problems.append(message) } }
        let observationSpace = environment.observationSpace, actionSpace = environment.actionSpace
        if actionSpace.flatCount == 0 || actionSpace.hasEmptyDiscrete {
            report("the action space \(actionSpace) is empty: no action can be sampled")
            return problems.map(Problem.init)
        }

        func inspect(_ observation: [Float], _ context: String) {
            if observation.contains(where: { !$0.isFinite }) { report("\(context): observation contains NaN or infinity: \(observation)") }
            if observation.count != observationSpace.flatCount {
                report("\(context): observation has \(observation.count) elements, the observation space \(observationSpace) has \(observationSpace.flatCount)")
            } else if let problem = observationSpace.violation(of: observation) {
                report("\(context): observation outside the observation space: \(problem)")
            }
        }

        // Seeding: the same seed must give the same first observation.
        do {
            let first = try environment.reset(seed: seed).observation
            let again = try environment.reset(seed: seed).observation
            if first != again { report("reset(seed: \(seed)) twice gave different observations (\(first) vs \(again)): reset must honour the seed") }
            inspect(first, "reset")
        } catch {
            report("reset(seed:) threw: \(error)")
            return problems.map(Problem.init)
        }

        var generator = RandomGenerator(seed: seed, stream: "environment-checker")
        for episode in 0..<episodes {
            do {
                let (observation, _) = try environment.reset(seed: seed + UInt64(episode))
                inspect(observation, "reset")
                for t in 0..<maxSteps {
                    let result = try environment.step(actionSpace.sample(using: &generator))
                    inspect(result.observation, "step \(t)")
                    if !result.reward.isFinite { report("step \(t): reward is \(result.reward); rewards must be finite") }
                    if result.isDone { break }
                }
            } catch {
                report("episode \(episode): \(error)")
            }
        }
        // Misuse must be reported, not crash or pass silently.
        do {
            _ = try environment.reset(seed: seed)
            do {
                _ = try environment.step([Float](repeating: 0, count: actionSpace.flatCount + 1))
                report("step() accepted an action of the wrong size (\(actionSpace.flatCount + 1) values for \(actionSpace))")
            } catch {}
            do {
                _ = try environment.step([Float](repeating: .nan, count: actionSpace.flatCount))
                report("step() accepted a NaN action")
            } catch {}
        } catch {
            report("reset threw after misuse checks: \(error)")
        }
        return problems.map(Problem.init)
    }
}
