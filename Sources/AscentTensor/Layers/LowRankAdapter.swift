/// LoRA (Hu et al. 2021): a trainable low-rank update beside a frozen weight W `[out, in]`,
///
///     y = x Wᵀ + (α / r) · (x Aᵀ) Bᵀ,   A `[r, in]`, B `[out, r]`,
///
/// with A drawn as PyTorch's `nn.Linear` default (U(±1/√in), PEFT's choice) and B zero, so the
/// adapted layer starts equal to the frozen one. Only A and B train: r · (in + out) numbers
/// instead of in · out. ``merged(into:)`` folds the update into the weight.
public final class LowRankAdapter: Module {
    /// `lora_A`: `[rank, in]`.
    public let down: Parameter
    /// `lora_B`: `[out, rank]`.
    public let up: Parameter
    /// α / r.
    public let scale: Float

    public init(inputSize: Int, outputSize: Int, rank: Int, alpha: Float, generator: inout RandomGenerator) {
        precondition(rank > 0 && inputSize > 0 && outputSize > 0, "LowRankAdapter: sizes must be positive, got rank \(rank), \(inputSize) → \(outputSize)")
        let bound = 1 / Float(inputSize).squareRoot()
        down = Parameter(.randomUniform([rank, inputSize], low: -bound, high: bound, generator: &generator))
        up = Parameter(.zeros([outputSize, rank]))
        scale = alpha / Float(rank)
    }

    /// The update (α / r) · (x Aᵀ) Bᵀ for `x` `[…, in]`: `[…, out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.linear(weight: down.value, bias: nil).linear(weight: up.value, bias: nil) * scale
    }

    /// W + (α / r) · B A, for a weight `[out, in]` of this adapter's shape.
    public func merged(into weight: Tensor) -> Tensor {
        precondition(weight.shape == [up.shape[0], down.shape[1]], "LowRankAdapter.merged: weight \(weight.shape) is not [\(up.shape[0]), \(down.shape[1])]")
        return withoutGradients { weight + up.value.matmul(down.value) * scale }
    }
}
