/// Root-mean-square normalisation over the last axis with a learned gain (`weight`) and no
/// bias: the Llama family's norm (see ``Tensor/rmsNorm(gain:epsilon:)``).
public final class RMSNorm: FeatureNormalization {
    public let weight: Parameter
    public let epsilon: Float

    public init(size: Int, epsilon: Float = 1e-6) {
        weight = Parameter(.ones([size]))
        self.epsilon = epsilon
    }

    /// A norm of given gain `[size]`.
    public init(weight: Parameter, epsilon: Float = 1e-6) {
        precondition(weight.shape.count == 1, "RMSNorm: gain must be [size], got \(weight.shape)")
        (self.weight, self.epsilon) = (weight, epsilon)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.rmsNorm(gain: weight.value, epsilon: epsilon) }
}

/// A normalisation layer over the last axis with a learned gain, so a model can hold either
/// ``LayerNorm`` or ``RMSNorm`` where its architecture decides.
public protocol FeatureNormalization: Module {
    /// The per-feature gain.
    var weight: Parameter { get }
    func callAsFunction(_ x: Tensor) -> Tensor
}
