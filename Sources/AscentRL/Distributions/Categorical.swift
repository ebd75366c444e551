import AscentTensor

/// A distribution over `n` discrete actions from unnormalised logits `[batch, n]`.
public struct Categorical {
    /// Normalised log-probabilities, `[batch, n]`.
    public let logProbabilities: Tensor

    public init(logits: Tensor) { logProbabilities = logits.logSoftmax(alongAxis: -1) }

    /// log π(a) for each row's action: `[batch]`.
    public func logProbability(of actions: IntTensor) -> Tensor {
        let rows = logProbabilities.shape[0]
        return logProbabilities.gather(alongAxis: 1, indices: actions.reshaped([rows, 1])).reshaped([rows])
    }

    /// −Σ p log p per row: `[batch]`.
    public func entropy() -> Tensor {
        -(logProbabilities.exp() * logProbabilities).sum(alongAxis: -1)
    }
}
