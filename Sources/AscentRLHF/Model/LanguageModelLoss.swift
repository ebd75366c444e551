import AscentTensor

extension Tensor {
    /// Log-probabilities `[batch, time]` of `tokens` under next-token logits `[batch, time, vocabulary]`.
    public func tokenLogProbabilities(_ tokens: IntTensor) -> Tensor {
        precondition(rank == 3 && tokens.shape == Array(shape.prefix(2)), "tokenLogProbabilities: logits \(shape), tokens \(tokens.shape)")
        let (batch, time) = (shape[0], shape[1])
        return logSoftmax(alongAxis: -1).gather(alongAxis: 2, indices: IntTensor(shape: [batch, time, 1], tokens.scalars))
            .reshaped([batch, time])
    }

    /// Mean cross-entropy −log p(target) of next-token logits `[batch, time, vocabulary]`
    /// against `targets` `[batch, time]`, over the positions where `mask` (same shape, 1/0) is 1
    /// (all positions without a mask).
    public func crossEntropy(targets: IntTensor, mask: Tensor? = nil) -> Tensor {
        let logProbabilities = tokenLogProbabilities(targets)
        guard let mask else { return -logProbabilities.mean() }
        return -(logProbabilities * mask).sum() / Swift.max(mask.sum().item, 1)
    }
}
