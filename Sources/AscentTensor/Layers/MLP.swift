/// A multi-layer perceptron: Linear layers of the given sizes with an activation
/// between them (none after the last unless `outputActivation` is set).
///
/// `MLP(sizes: [3, 64, 64, 1], activation: .tanh)` is the 64-64 tanh network of
/// PPO's continuous-control setting; its parameters are `layers.0.weight`, ….
public final class MLP: Module {
    public let layers: [Linear]
    public let activation: Activation
    public let outputActivation: Activation

    /// - Parameters:
    ///   - hiddenInitializer: for every layer but the last (PPO: orthogonal √2).
    ///   - outputInitializer: for the last layer (PPO: orthogonal 0.01 policy, 1.0 value).
    public init(sizes: [Int], activation: Activation = .tanh, outputActivation: Activation = .identity,
                hiddenInitializer: WeightInitializer = .pytorchDefault,
                outputInitializer: WeightInitializer? = nil, generator: inout RandomGenerator) {
        precondition(sizes.count >= 2, "MLP: needs at least input and output sizes, got \(sizes)")
        var layers: [Linear] = []
        for i in 0..<(sizes.count - 1) {
            let isLast = i == sizes.count - 2
            layers.append(Linear(inputSize: sizes[i], outputSize: sizes[i + 1],
                                 initializer: isLast ? (outputInitializer ?? hiddenInitializer) : hiddenInitializer,
                                 generator: &generator))
        }
        self.layers = layers
        self.activation = activation
        self.outputActivation = outputActivation
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = h.linear(weight: layer.weight.value, bias: layer.bias?.value,
                         activation: i < layers.count - 1 ? activation : outputActivation)
        }
        return h
    }
}

