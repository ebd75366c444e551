/// A fully connected layer y = x Wᵀ + b, with W stored `[out, in]` as in PyTorch.
public final class Linear: Module {
    public let weight: Parameter
    public let bias: Parameter?

    public init(inputSize: Int, outputSize: Int, bias hasBias: Bool = true,
                initializer: WeightInitializer = .pytorchDefault, generator: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Linear: sizes must be positive, got \(inputSize) → \(outputSize)")
        weight = Parameter(initializer.weight(out: outputSize, in: inputSize, generator: &generator))
        bias = hasBias ? Parameter(initializer.bias(out: outputSize, in: inputSize, generator: &generator)) : nil
    }

    /// A layer of given parameters: `weight` `[out, in]`, `bias` `[out]` or none.
    public init(weight: Parameter, bias: Parameter?) {
        precondition(weight.shape.count == 2 && bias.map { $0.shape == [weight.shape[0]] } ?? true,
                     "Linear: weight must be [out, in] and bias [out], got \(weight.shape) and \(bias?.shape ?? [])")
        (self.weight, self.bias) = (weight, bias)
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.linear(weight: weight.value, bias: bias?.value)
    }
}

