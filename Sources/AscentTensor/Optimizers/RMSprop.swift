/// RMSprop (PyTorch's `torch.optim.RMSprop`):
///
///     v ← α v + (1 − α) g²;   θ ← θ − lr · g / (√v + ε)
///
/// This is what Stable-Baselines3's A2C uses by default (α = 0.99, ε = 1e-5) and Ascent's
/// A2C too. With `epsilonInsideSquareRoot` the denominator is √(v + ε), the TensorFlow form
/// (SB3's optional `RMSpropTFLike`, which RL Zoo picks for some Atari runs).
/// `momentum` adds a velocity buffer b ← μ b + g / denom; θ ← θ − lr b.
public final class RMSprop: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public let alpha: Float
    public let epsilon: Float
    public let momentum: Float
    public let epsilonInsideSquareRoot: Bool
    private let squareAverage: SlotBuffers
    private let velocity: SlotBuffers

    public init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-2,
                alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0,
                epsilonInsideSquareRoot: Bool = false) {
        validateHyperparameter(learningRate, "learningRate", "RMSprop")
        validateHyperparameter(epsilon, "epsilon", "RMSprop")
        validateHyperparameter(momentum, "momentum", "RMSprop")
        precondition(alpha >= 0 && alpha < 1, "RMSprop: alpha must lie in [0, 1), got \(alpha)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.epsilonInsideSquareRoot = epsilonInsideSquareRoot
        squareAverage = SlotBuffers(kind: "square_avg", for: parameters)
        velocity = SlotBuffers(kind: "momentum_buffer", for: parameters)
    }

    public func step() {
        for (i, (_, parameter)) in parameters.enumerated() {
            guard let grad = parameter.gradientPointer else { continue }
            let theta = parameter.valuePointer, v = squareAverage[i], b = velocity[i]
            for j in 0..<parameter.count {
                let g = grad[j]
                v[j] = alpha * v[j] + (1 - alpha) * g * g
                let denominator = epsilonInsideSquareRoot ? (v[j] + epsilon).squareRoot() : v[j].squareRoot() + epsilon
                if momentum != 0 {
                    b[j] = momentum * b[j] + g / denominator
                    theta[j] -= learningRate * b[j]
                } else {
                    theta[j] -= learningRate * g / denominator
                }
            }
        }
    }

    public func state() -> OptimizerState {
        var state = OptimizerState()
        squareAverage.save(into: &state, names: parameters)
        velocity.save(into: &state, names: parameters)
        return state
    }

    public func loadState(_ state: OptimizerState) throws(CheckpointError) {
        try squareAverage.load(from: state, names: parameters)
        try velocity.load(from: state, names: parameters)
    }
}
