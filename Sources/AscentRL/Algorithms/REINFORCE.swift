import AscentEnvironments
import AscentTensor
import Dispatch
import Foundation

/// REINFORCE (Williams 1992): Monte-Carlo policy gradient over complete episodes.
/// Each update runs `episodesPerUpdate` episodes side by side, computes the reward-to-go
///
///     G_t = r_t + γ G_{t+1}   (G after the last step: 0 if terminated, V(s_final) if truncated
///                              and a baseline is learned, else 0)
///
/// and takes one gradient step on −E[(G_t − b(s_t)) · log π(a_t|s_t)] − c_H H
/// (+ c_V E[(V(s_t) − G_t)²] with the learned baseline b = V).
public final class REINFORCE: PolicyGradientRun {
    public static var algorithm: String { "reinforce" }
    public static var summary: String { "REINFORCE: Monte-Carlo policy gradient with an optional learned baseline." }
    public internal(set) var configuration: REINFORCEConfiguration
    /// The policy (`actor`) and, when `baseline`, the value baseline (`critic`; unused otherwise).
    public let model: ActorCritic
    let optimizer: any Optimizer
    let environments: [any Environment]
    var progress: PolicyGradientProgress
    private let parameters: [Parameter]
    private let observationSize: Int, actionSize: Int

    public init(_ configuration: REINFORCEConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = configuration
        environments = try makeTrainingEnvironmentCopies(c.environment, options: c.environmentOptions, count: c.episodesPerUpdate,
                                                         randomization: c.randomization, seed: c.seed)
        let head = try ActionHead(environments[0].actionSpace)
        observationSize = environments[0].observationSpace.flatCount
        actionSize = head.actionSize
        var generator = RandomGenerator(seed: c.seed, stream: "reinforce-init")
        model = ActorCritic(observationSize: observationSize, head: head, hiddenSizes: c.hiddenSizes, activation: c.activation,
                            initialLogStd: c.initialLogStd, generator: &generator)
        // Without a baseline the critic gets no gradient; listing only the actor keeps Adam honest.
        let trained = model.namedParameters().filter { c.baseline || !$0.name.hasPrefix("critic.") }
        optimizer = Adam(trained, learningRate: c.learningRate)
        parameters = trained.map(\.parameter)
        progress = PolicyGradientProgress(actionGenerator: RandomGenerator(seed: c.seed, stream: "reinforce-actions"))
    }


    /// One batch of complete episodes, flattened: observations, actions, rewards-to-go.
    private struct Episodes {
        var observations: [Float] = [], actions: [Float] = [], returns: [Float] = []
        var finished = FinishedEpisodes()
    }

    private func runEpisodes() throws -> Episodes {
        let n = environments.count
        // Every batch starts from fresh seeds derived from the update count (so restores are exact).
        var current = try environments.enumerated().map { i, env in
            try env.reset(seed: configuration.seed &* 1_000_003 &+ UInt64(progress.updatesDone * n + i)).observation
        }
        var trajectories = [(observations: [Float], actions: [Float], rewards: [Float])](repeating: ([], [], []), count: n)
        var bootstrap = [Float](repeating: 0, count: n)
        var active = Array(0..<n)
        var batch = Episodes()
        while !active.isEmpty {
            let input = Tensor(shape: [active.count, observationSize], active.flatMap { current[$0] })
            let (stored, environmentActions, _) = try model.act(input, deterministic: false, generator: &progress.actionGenerator)
            var stillActive: [Int] = []
            for (k, i) in active.enumerated() {
                let action = Array(environmentActions[(k * actionSize)..<((k + 1) * actionSize)])
                let step = try environments[i].step(action)
                progress.globalStep += 1
                try requireEpisodeEnds(length: trajectories[i].rewards.count + 1, environment: configuration.environment)
                try requireFinite(step.observation + [Float(step.reward)], "observation or reward", step: globalStep)
                trajectories[i].observations += current[i]
                trajectories[i].actions += stored[(k * actionSize)..<((k + 1) * actionSize)]
                trajectories[i].rewards.append(Float(step.reward))
                current[i] = step.observation
                if step.terminated || step.truncated {
                    if step.truncated && !step.terminated && configuration.baseline {
                        bootstrap[i] = withoutGradients { model.value(Tensor(shape: [1, observationSize], step.observation)) }.item
                    }
                    batch.finished.returns.append(trajectories[i].rewards.reduce(0) { $0 + Double($1) })
                    batch.finished.lengths.append(Double(trajectories[i].rewards.count))
                } else {
                    stillActive.append(i)
                }
            }
            active = stillActive
        }
        for (i, trajectory) in trajectories.enumerated() {
            var rewardToGo = bootstrap[i]
            var returns = [Float](repeating: 0, count: trajectory.rewards.count)
            for t in stride(from: trajectory.rewards.count - 1, through: 0, by: -1) {
                rewardToGo = trajectory.rewards[t] + configuration.gamma * rewardToGo
                returns[t] = rewardToGo
            }
            batch.observations += trajectory.observations
            batch.actions += trajectory.actions
            batch.returns += returns
        }
        return batch
    }

    public func train(untilStep: Int? = nil, callback: (PolicyGradientMetrics) throws -> Bool = { _ in true }) throws {
        let c = configuration, target = untilStep ?? c.totalSteps
        progress.startRow()
        while progress.globalStep < target {
            let start = DispatchTime.now().uptimeNanoseconds
            let batch = try runEpisodes()
            progress.episodes.append(contentsOf: batch.finished)
            let rows = batch.returns.count
            let observations = Tensor(shape: [rows, observationSize], batch.observations)
            let (logProbability, entropy) = model.evaluate(observations, actions: Tensor(shape: [rows, actionSize], batch.actions))
            var advantages = batch.returns
            var valueLoss: Tensor?, explained = Double.nan
            if c.baseline {
                let values = model.value(observations)
                let predicted = values.scalars
                advantages = zip(batch.returns, predicted).map { $0 - $1 }
                valueLoss = values.meanSquaredError(Tensor(batch.returns))
                explained = PPO.explainedVariance(predicted: predicted, targets: batch.returns)
            }
            if c.normalizeAdvantages { advantages = standardized(advantages) }
            let policyLoss = -(Tensor(advantages) * logProbability).mean()
            var loss = policyLoss - entropy * c.entropyCoefficient
            if let valueLoss { loss = loss + valueLoss * c.valueCoefficient }
            optimizer.zeroGradients()
            loss.backward()
            try requireFinite([loss.item], "loss", step: globalStep)
            let norm = c.maxGradientNorm.map { clipGradientNorm(parameters, maxNorm: $0) } ?? globalGradientNorm(parameters)
            optimizer.step()
            progress.add(policyLoss: policyLoss.item, valueLoss: valueLoss?.item, entropy: entropy.item, gradientNorm: norm, explainedVariance: explained)
            progress.trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if let metrics = progress.finishRow(logInterval: c.logInterval, target: target, learningRate: c.learningRate, model: model) {
                guard try callback(metrics) else { break }
            }
        }
    }

    func policyInput(_ observation: [Float]) -> [Float] { observation }
    var observationNormalization: (mean: [Double], scale: [Double], clip: Double)? { nil }

    /// Nothing beyond the shared state: updates always start fresh episodes, so a resumed
    /// REINFORCE run is bit-identical to an uninterrupted one.
    func saveExtra(into writer: inout CheckpointWriter) {}
    func restoreExtra(from reader: CheckpointReader) throws {}
}
