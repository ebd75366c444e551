import AscentTensor

/// Q(s, a) for continuous actions (SAC, TD3): an MLP on the concatenated observation and
/// normalised action, one value per row.
public final class ContinuousQNetwork: Module {
    public let body: MLP

    public init(observationSize: Int, actionSize: Int, hiddenSizes: [Int], generator: inout RandomGenerator) {
        body = MLP(sizes: [observationSize + actionSize] + hiddenSizes + [1], activation: .relu, generator: &generator)
    }

    /// `[batch, observation]`, `[batch, action]` → `[batch]`.
    public func callAsFunction(_ observations: Tensor, _ actions: Tensor) -> Tensor {
        body(Tensor.concatenate([observations, actions], alongAxis: 1)).reshaped([observations.shape[0]])
    }

    /// The same value with the weights held constant: gradients reach the action only (actor losses).
    public func frozen(_ observations: Tensor, _ actions: Tensor) -> Tensor {
        body.frozen(Tensor.concatenate([observations, actions], alongAxis: 1)).reshaped([observations.shape[0]])
    }
}

/// Q(s, ·) for discrete actions (DQN): one value per action.
public final class DiscreteQNetwork: Module {
    public let body: MLP

    public init(observationSize: Int, actionCount: Int, hiddenSizes: [Int], generator: inout RandomGenerator) {
        body = MLP(sizes: [observationSize] + hiddenSizes + [actionCount], activation: .relu, generator: &generator)
    }

    /// `[batch, observation]` → `[batch, actions]`.
    public func callAsFunction(_ observations: Tensor) -> Tensor { body(observations) }
}
