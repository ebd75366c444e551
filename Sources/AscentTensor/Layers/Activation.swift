/// Elementwise nonlinearities for ``MLP``.
public enum Activation: String, Sendable, CaseIterable, Codable {
    case tanh, relu, gelu, sigmoid, identity

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .tanh: x.tanh()
        case .relu: x.relu()
        case .gelu: x.gelu()
        case .sigmoid: x.sigmoid()
        case .identity: x
        }
    }
}

