import AscentEnvironments
import AscentTensor

/// A run's deterministic policy as plain arithmetic, everything that maps a raw observation
/// to the action the environment receives: the observation normalisation, a chain of dense
/// layers, and how the last layer's outputs become an action. Export formats (ONNX,
/// safetensors) are written from this, so they need no knowledge of the algorithms.
public struct ExportedPolicy: Sendable {
    /// One dense layer, y = activation(x Wᵀ + b), with W `[outputs, inputs]`.
    public struct Layer: Sendable {
        public let weight: Tensor
        public let bias: Tensor?
        public let activation: Activation
    }

    /// How the last layer's outputs become the environment's action.
    public enum Output: Sendable, Equatable {
        /// A Gaussian mean clipped to the Box bounds (PPO, A2C and REINFORCE, unsquashed).
        case clipped(low: [Float], high: [Float])
        /// u ∈ [−1, 1] (after a tanh) mapped onto the bounds: low + (u + 1) / 2 · (high − low).
        case scaled(low: [Float], high: [Float])
        /// The index of the largest output, as an integer (categorical policies and DQN); over
        /// log-softmax probabilities when `logSoftmax`, as Ascent's categorical policy picks it.
        case argmax(logSoftmax: Bool)
    }

    /// z = clip((o − mean) · scale, ±clip) per observation value, before the first layer.
    public let normalization: (mean: [Double], scale: [Double], clip: Double)?
    public let layers: [Layer]
    /// Applied after the last layer's activation.
    public let output: Output

    public var observationSize: Int { layers[0].weight.shape[1] }
    /// Values per action: the Box's dimensions, or 1 for a discrete index.
    public var actionSize: Int {
        if case .argmax = output { return 1 }
        return layers.last!.weight.shape[0]
    }

    init(normalization: (mean: [Double], scale: [Double], clip: Double)?, layers: [Layer], output: Output) {
        self.normalization = normalization
        self.layers = layers
        self.output = output
    }

    /// The layers of `network` (its hidden activation between layers, `last` after the final one),
    /// keeping only the final layer's first `outputs` rows when given (SAC's means, not its log-stds).
    static func layers(of network: MLP, last: Activation = .identity, outputs: Int? = nil) -> [Layer] {
        network.layers.enumerated().map { index, layer in
            let isLast = index == network.layers.count - 1
            var weight = layer.weight.value, bias = layer.bias?.value
            if isLast, let outputs {
                weight = weight.slice(alongAxis: 0, 0..<outputs)
                bias = bias?.slice(alongAxis: 0, 0..<outputs)
            }
            return Layer(weight: weight, bias: bias, activation: isLast ? last : network.activation)
        }
    }
}

extension ActorCritic {
    /// The deterministic actor: the Gaussian mean (squashed and scaled, or clipped) or the most likely category.
    func exportedPolicy(normalization: (mean: [Double], scale: [Double], clip: Double)?) -> ExportedPolicy {
        switch head {
        case .gaussian(_, let low, let high):
            ExportedPolicy(normalization: normalization, layers: ExportedPolicy.layers(of: actor, last: squashed ? .tanh : .identity),
                           output: squashed ? .scaled(low: low, high: high) : .clipped(low: low, high: high))
        case .categorical:
            ExportedPolicy(normalization: normalization, layers: ExportedPolicy.layers(of: actor), output: .argmax(logSoftmax: true))
        }
    }
}

extension ConfigurableRun {
    /// Raw observations the policy meets, with the actions it takes for them (deterministic):
    /// the states of one evaluation episode (seed 7), every `stride` steps, restarting
    /// episodes as they end. The contract of an export carries them so a user can check the
    /// exported model against what Ascent computes.
    public func policySamples(count: Int, stride: Int = 5) throws -> [(observation: [Float], action: [Float])] {
        let env = try makeEvaluationEnvironment(configuration.environment, options: configuration.environmentOptions, physicalParameters: [:])
        var generator = RandomGenerator(seed: 7, stream: "export-samples")
        var observation = try env.reset(seed: 7).observation
        var samples: [(observation: [Float], action: [Float])] = []
        var step = 0
        while samples.count < count {
            let action = try policyAction(observation, deterministic: true, generator: &generator)
            if step % stride == 0 { samples.append((observation, action)) }
            let result = try env.step(action)
            step += 1
            observation = result.isDone ? try env.reset(seed: 7 &+ UInt64(step)).observation : result.observation
        }
        return samples
    }
}
