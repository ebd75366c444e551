/// Layer normalisation over the last axis with a learned gain (`weight`) and `bias`.
public final class LayerNorm: FeatureNormalization {
    public let weight: Parameter
    public let bias: Parameter
    public let epsilon: Float

    public init(size: Int, epsilon: Float = 1e-5) {
        weight = Parameter(.ones([size]))
        bias = Parameter(.zeros([size]))
        self.epsilon = epsilon
    }

    /// A norm of given gain and bias (both `[size]`).
    public init(weight: Parameter, bias: Parameter, epsilon: Float = 1e-5) {
        precondition(weight.shape.count == 1 && bias.shape == weight.shape, "LayerNorm: gain and bias must be [size], got \(weight.shape) and \(bias.shape)")
        (self.weight, self.bias, self.epsilon) = (weight, bias, epsilon)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNorm(gain: weight.value, bias: bias.value, epsilon: epsilon)
    }
}

