/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay
/// (PyTorch's `torch.optim.SGD`):
///
///     g ← ∇ + λ θ;  b ← μ b + g;  θ ← θ − lr · (nesterov ? g + μ b : b)
public final class SGD: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private let velocity: SlotBuffers

    public init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float,
                momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        validateHyperparameter(learningRate, "learningRate", "SGD")
        validateHyperparameter(momentum, "momentum", "SGD")
        validateHyperparameter(weightDecay, "weightDecay", "SGD")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocity = SlotBuffers(kind: "momentum_buffer", for: parameters)
    }

    public func step() {
        for (i, (_, parameter)) in parameters.enumerated() {
            guard let grad = parameter.gradientPointer else { continue }
            let theta = parameter.valuePointer, buffer = velocity[i]
            for j in 0..<parameter.count {
                let g = grad[j] + weightDecay * theta[j]
                var direction = g
                if momentum != 0 {
                    buffer[j] = momentum * buffer[j] + g
                    direction = nesterov ? g + momentum * buffer[j] : buffer[j]
                }
                theta[j] -= learningRate * direction
            }
        }
    }

    public func state() -> OptimizerState {
        var state = OptimizerState()
        velocity.save(into: &state, names: parameters)
        return state
    }

    public func loadState(_ state: OptimizerState) throws(CheckpointError) {
        try velocity.load(from: state, names: parameters)
    }
}
