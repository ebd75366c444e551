import AscentEnvironments
import AscentTensor
import Foundation

/// Proximal Policy Optimization (Schulman et al. 2017) with every core and continuous-action
/// implementation detail of Huang et al. (2022), readable top to bottom:
/// collect a rollout → GAE → epochs of shuffled minibatches of the clipped objective.
///
/// ```swift
/// var configuration = try PPOConfiguration.preset("Pendulum-v1")
/// configuration.seed = 3
/// let ppo = try PPO(configuration)
/// try ppo.train { metrics in print(metrics.episodeReturn); return true }   // return false to stop
/// let returns = try ppo.evaluate(episodes: 20, deterministic: true)
/// ```
public final class PPO {
    public private(set) var configuration: PPOConfiguration
    public let model: ActorCritic
    public let optimizer: Adam
    public private(set) var globalStep = 0
    public private(set) var updatesDone = 0
    public private(set) var history: [PPOMetrics] = []
    public private(set) var lastRowEpisodes = FinishedEpisodes()
    /// Streams kept apart so that, e.g., changing the minibatch size never changes the actions sampled.
    var actionGenerator: RandomGenerator
    var minibatchGenerator: RandomGenerator
    /// The training environments and the rollout buffer.
    let collector: OnPolicyCollector
    private var trainingSeconds = 0.0
    /// The model's parameters, listed once (listing walks the module by reflection).
    private let parameters: [Parameter]

    /// The training environments, with observation/reward normalisation when configured.
    public var environment: NormalizedVectorEnvironment { collector.environment }
    private var buffer: RolloutBuffer { collector.buffer }

    public init(_ configuration: PPOConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        collector = try OnPolicyCollector(environment: configuration.environment, options: configuration.environmentOptions,
                                          randomization: configuration.randomization, count: configuration.environments, vectorMode: configuration.vectorMode,
                                          normalizeObservations: configuration.normalizeObservations,
                                          normalizeRewards: configuration.normalizeRewards, gamma: configuration.gamma,
                                          rolloutSteps: configuration.rolloutSteps, seed: configuration.seed)
        let head = try ActionHead(collector.environment.actionSpace)
        var initGenerator = RandomGenerator(seed: configuration.seed, stream: "ppo-init")
        model = ActorCritic(observationSize: collector.observationSize, head: head, hiddenSizes: configuration.hiddenSizes,
                            activation: configuration.activation, initialLogStd: configuration.initialLogStd,
                            squashed: configuration.squashActions, generator: &initGenerator)
        optimizer = Adam(model.namedParameters(), learningRate: configuration.learningRate, epsilon: configuration.adamEpsilon)
        parameters = optimizer.parameters.map(\.parameter)
        actionGenerator = RandomGenerator(seed: configuration.seed, stream: "ppo-actions")
        minibatchGenerator = RandomGenerator(seed: configuration.seed, stream: "ppo-minibatches")
    }

    /// Trains until `configuration.totalSteps` (or `untilStep`). `callback` runs after every
    /// update with its metrics; returning false stops training early.
    public func train(untilStep: Int? = nil, callback: (PPOMetrics) throws -> Bool = { _ in true }) throws {
        let target = untilStep ?? configuration.totalSteps
        while globalStep < target {
            let start = DispatchTime.now().uptimeNanoseconds
            let episodes = try collector.collect(model: model, generator: &actionGenerator, gamma: configuration.gamma,
                                                 lambda: configuration.gaeLambda, globalStep: &globalStep)
            var metrics = try update()
            trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            metrics.wallSeconds = trainingSeconds
            metrics.stepsPerSecond = Double(buffer.capacity) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            metrics.episodeReturn = episodes.meanReturn
            metrics.episodeLength = episodes.meanLength
            metrics.episodesFinished = episodes.count
            history.append(metrics)
            lastRowEpisodes = episodes
            guard try callback(metrics) else { break }
        }
    }

    /// Moves the end of training to `totalSteps` (for resuming beyond the original total).
    /// Annealed learning rate and clip range then continue towards zero at the new end.
    public func extendTraining(to totalSteps: Int) throws {
        try configuration.extend(to: totalSteps, after: globalStep)
    }

    /// Used by checkpoint restore.
    func restoreCounters(globalStep: Int, updatesDone: Int, history: [PPOMetrics]) {
        self.globalStep = globalStep
        self.updatesDone = updatesDone
        self.history = history
        trainingSeconds = history.last?.wallSeconds ?? 0
    }

    /// The seed of the episodes a restored run starts when its checkpoint holds no environment state.
    var freshEpisodeSeed: UInt64 { configuration.seed &+ UInt64(updatesDone) &* 1_000_003 }

    // MARK: Update

    /// Epochs of shuffled minibatches of the clipped surrogate, value and entropy losses.
    func update() throws -> PPOMetrics {
        let c = configuration
        // Clamped: a schedule never runs past its end (and never goes negative).
        let progress = Swift.min(1, Float(updatesDone) / Float(Swift.max(c.updates, 1)))
        optimizer.learningRate = c.annealLearningRate ? c.learningRate * (1 - progress) : c.learningRate
        let clip = c.annealClipRange ? c.clipRange * (1 - progress) : c.clipRange
        let size = buffer.capacity, obsSize = buffer.observationSize, actSize = buffer.actionSize
        var sums = (policy: 0.0, value: 0.0, entropy: 0.0, loss: 0.0, kl: 0.0, kl3: 0.0, clipped: 0.0, norm: 0.0, batches: 0)
        var epochsRun = 0
        epochs: for _ in 0..<c.epochs {
            let order = minibatchGenerator.permutation(size)
            for start in stride(from: 0, to: size, by: c.minibatchSize) {
                let indices = order[start..<(start + c.minibatchSize)]
                let batch = minibatch(indices, obsSize: obsSize, actSize: actSize, normalizeAdvantages: c.normalizeAdvantages)

                let perturbation = c.rpoAlpha > 0 && model.logStd != nil
                    ? Tensor.randomUniform(batch.actions.shape, low: -c.rpoAlpha, high: c.rpoAlpha, generator: &minibatchGenerator) : nil
                optimizer.zeroGradients()
                // The actor's and the critic's losses share no parameters, so each is built and
                // back-propagated on its own core: the same gradients as back-propagating their
                // sum (core detail 10), in about half the time.
                var policyLoss = Tensor(0), entropyMean = Tensor(0), logRatio = Tensor(0), valueLoss = Tensor(0)
                KernelThreads.concurrently({
                    let (newLogProbability, entropy) = model.evaluate(batch.observations, actions: batch.actions, meanPerturbation: perturbation)
                    logRatio = newLogProbability - batch.oldLogProbabilities
                    // Clipped surrogate (core detail 8): maximise min(r A, clip(r) A), i.e. minimise
                    // mean max(−r A, −clip(r) A) with r = exp(logRatio), as one fused op.
                    policyLoss = logRatio.clippedSurrogateLoss(advantages: batch.advantages, clipRange: clip)
                    entropyMean = entropy
                    (policyLoss - entropyMean * c.entropyCoefficient).backward()
                }, {
                    let newValues = model.value(batch.observations)
                    if c.clipValueLoss {  // core detail 9
                        let clippedValues = batch.oldValues + (newValues - batch.oldValues).clamped(min: -clip, max: clip)
                        valueLoss = Tensor.maximum((newValues - batch.returns).pow(2), (clippedValues - batch.returns).pow(2)).mean() * 0.5
                    } else {
                        valueLoss = newValues.meanSquaredError(batch.returns) * 0.5
                    }
                    (valueLoss * c.valueCoefficient).backward()
                })
                let loss = policyLoss.item - entropyMean.item * c.entropyCoefficient + valueLoss.item * c.valueCoefficient

                let (kl, kl3, clippedFraction) = Self.ratioStatistics(logRatio.scalars, clip: clip)
                if let target = c.targetKL, kl3 > 1.5 * Double(target) { break epochs }  // stop before stepping further

                try requireFinite([loss], "loss", step: globalStep)
                let norm = clipGradientNorm(parameters, maxNorm: c.maxGradientNorm)  // core detail 11
                guard norm.isFinite else { throw RLError.nonFinite(quantity: "gradient norm", step: globalStep) }
                optimizer.step()

                sums.policy += Double(policyLoss.item); sums.value += Double(valueLoss.item); sums.entropy += Double(entropyMean.item)
                sums.loss += Double(loss)
                sums.kl += kl; sums.kl3 += kl3; sums.clipped += clippedFraction; sums.norm += Double(norm); sums.batches += 1
            }
            epochsRun += 1
        }
        updatesDone += 1
        var metrics = PPOMetrics()
        let batches = Double(Swift.max(sums.batches, 1))
        metrics.update = updatesDone
        metrics.globalStep = globalStep
        metrics.policyLoss = sums.policy / batches
        metrics.valueLoss = sums.value / batches
        metrics.loss = sums.loss / batches
        metrics.entropy = sums.entropy / batches
        metrics.approxKL = sums.kl / batches
        metrics.approxKLk3 = sums.kl3 / batches
        metrics.clipFraction = sums.clipped / batches
        metrics.gradientNorm = sums.norm / batches
        metrics.epochs = epochsRun
        metrics.learningRate = Double(optimizer.learningRate)
        metrics.clipRange = Double(clip)
        metrics.explainedVariance = Self.explainedVariance(predicted: buffer.values, targets: buffer.returns)
        if model.logStd != nil { metrics.actionStd = Double(model.clampedLogStd.exp().mean().item) }
        return metrics
    }

    private struct Minibatch {
        let observations: Tensor, actions: Tensor, oldLogProbabilities: Tensor, advantages: Tensor, returns: Tensor, oldValues: Tensor
    }

    private func minibatch(_ indices: ArraySlice<Int>, obsSize: Int, actSize: Int, normalizeAdvantages: Bool) -> Minibatch {
        let b = indices.count
        let buffer = self.buffer
        var advantages = buffer.advantages.rows(indices, width: 1)
        if normalizeAdvantages { advantages = standardized(advantages) }  // core detail 7
        return Minibatch(observations: Tensor(shape: [b, obsSize], buffer.observations.rows(indices, width: obsSize)),
                         actions: Tensor(shape: [b, actSize], buffer.actions.rows(indices, width: actSize)),
                         oldLogProbabilities: Tensor(buffer.logProbabilities.rows(indices, width: 1)),
                         advantages: Tensor(advantages), returns: Tensor(buffer.returns.rows(indices, width: 1)),
                         oldValues: Tensor(buffer.values.rows(indices, width: 1)))
    }

    /// (k1, k3, clip fraction) from log-ratios log(π_new / π_old).
    static func ratioStatistics(_ logRatios: [Float], clip: Float) -> (Double, Double, Double) {
        var k1 = 0.0, k3 = 0.0, clipped = 0.0
        for logRatio in logRatios {
            let r = Foundation.exp(Double(logRatio))
            k1 += -Double(logRatio)
            k3 += (r - 1) - Double(logRatio)
            if Swift.abs(r - 1) > Double(clip) { clipped += 1 }
        }
        let n = Double(Swift.max(logRatios.count, 1))
        return (k1 / n, k3 / n, clipped / n)
    }

    /// 1 − Var(y − ŷ) / Var(y); NaN when the targets have no variance.
    public static func explainedVariance(predicted: [Float], targets: [Float]) -> Double {
        func variance(_ x: [Double]) -> Double {
            let mean = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
        }
        let y = targets.map(Double.init)
        let varianceY = variance(y)
        guard varianceY > 0 else { return .nan }
        return 1 - variance(zip(y, predicted).map { $0 - Double($1) }) / varianceY
    }

    // MARK: Evaluation

    /// The policy's action for a raw observation, normalised with the frozen statistics.
    public func policyAction(_ observation: [Float], deterministic: Bool, generator: inout RandomGenerator) throws -> [Float] {
        let input = Tensor(shape: [1, observation.count], environment.normalize(observation))
        return try model.act(input, deterministic: deterministic, generator: &generator).environment
    }

    public func exportedPolicy() throws -> ExportedPolicy {
        model.exportedPolicy(normalization: environment.observationNormalization)
    }
}
