import AscentTensor

/// The policy PPO optimises: a GPT whose hidden states also feed a scalar value head
/// (the value of continuing from each position), trained on those states as fixed features.
public final class LanguagePolicy: Module {
    public let model: GPT
    public let valueHead: Linear

    public init(initializedFrom source: GPT, generator: inout RandomGenerator) throws {
        model = try GPT(source.configuration, generator: &generator)
        model.copyParameters(from: source)
        valueHead = Linear(inputSize: source.configuration.embeddingSize, outputSize: 1, initializer: .normal(standardDeviation: 0), generator: &generator)
    }

    /// Log-probabilities of the targets and values, both `[batch, time]`; plus the mean entropy
    /// of the next-token distributions over the masked positions.
    func evaluate(_ batch: TokenBatch) -> (logProbabilities: Tensor, values: Tensor, entropy: Tensor) {
        let hidden = model.hiddenStates(batch.inputs)
        let logits = model.logits(hidden)
        let logSoftmax = logits.logSoftmax(alongAxis: -1)
        let (rows, time) = (batch.inputs.shape[0], batch.inputs.shape[1])
        let chosen = logSoftmax.gather(alongAxis: 2, indices: IntTensor(shape: [rows, time, 1], batch.targets.scalars)).reshaped([rows, time])
        let entropy = -(logSoftmax.exp() * logSoftmax).sum(alongAxis: -1)
        // The value head reads the hidden states without sending gradients into the shared body:
        // when the KL penalty grows, value targets swing widely, and a value loss flowing into the
        // body wrecked the policy (entropy to uniform within five rounds, measured here).
        return (chosen, valueHead(hidden.detached()).reshaped([rows, time]), maskedMean(entropy, batch.mask))
    }
}

/// Σ(x · mask) / Σ mask.
func maskedMean(_ x: Tensor, _ mask: Tensor) -> Tensor { (x * mask).sum() / Swift.max(mask.sum().item, 1) }

/// Log-probabilities `[batch, time]` of a batch's targets under a model, without gradients.
func targetLogProbabilities(_ model: GPT, _ batch: TokenBatch) -> Tensor {
    withoutGradients { model(batch.inputs).tokenLogProbabilities(batch.targets) }
}
