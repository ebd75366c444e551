import AscentKernels

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as in PyTorch:
///
///     m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
///     θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// `weightDecay` is decoupled (AdamW: θ ← θ − lr λ θ before the update) when
/// `decoupledWeightDecay` is true, and added to the gradient (L2, Adam) otherwise.
/// PPO uses ε = 1e-5 rather than the default 1e-8.
public final class Adam: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let decoupledWeightDecay: Bool
    /// Number of updates taken (t in the bias corrections).
    public private(set) var stepCount: Int = 0
    private let firstMoment: SlotBuffers
    private let secondMoment: SlotBuffers

    public init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        validateHyperparameter(learningRate, "learningRate", "Adam")
        validateHyperparameter(epsilon, "epsilon", "Adam")
        validateHyperparameter(weightDecay, "weightDecay", "Adam")
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
                     "Adam: betas must lie in [0, 1), got (\(beta1), \(beta2))")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoment = SlotBuffers(kind: "exp_avg", for: parameters)
        secondMoment = SlotBuffers(kind: "exp_avg_sq", for: parameters)
    }

    /// AdamW: Adam with decoupled weight decay (default λ = 0.01, as PyTorch).
    public static func adamW(_ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3,
                             beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step() {
        stepCount += 1
        // Bias corrections in double, as PyTorch computes them (in Python floats): in float32,
        // 1 − β₂ᵗ loses most of its digits for small t and the update is off by up to 1e-6.
        let t = Double(stepCount)
        let bias1 = 1 - Libm.pow(Double(beta1), t)
        let bias2 = Float(1 - Libm.pow(Double(beta2), t))
        let stepSize = Float(Double(learningRate) / bias1)
        for (i, (_, parameter)) in parameters.enumerated() {
            guard let grad = parameter.gradientPointer else { continue }
            let theta = parameter.valuePointer
            var effectiveGradient = UnsafePointer(grad)
            var decayed: TensorStorage?
            if weightDecay != 0 && !decoupledWeightDecay {
                // L2: the decay joins the gradient (and so the moments), as PyTorch's Adam does,
                // without altering the gradient the caller sees.
                let buffer = TensorStorage(uninitializedCount: parameter.count)
                for j in 0..<parameter.count { buffer.pointer[j] = grad[j] + weightDecay * theta[j] }
                decayed = buffer
                effectiveGradient = UnsafePointer(buffer.pointer)
            }
            ascent_adam_update(theta, effectiveGradient, firstMoment[i], secondMoment[i], parameter.count,
                               beta1, beta2, stepSize, bias2, epsilon,
                               decoupledWeightDecay ? learningRate * weightDecay : 0)
            withExtendedLifetime(decayed) {}
        }
    }

    public func state() -> OptimizerState {
        var state = OptimizerState(scalars: ["step": Double(stepCount)])
        firstMoment.save(into: &state, names: parameters)
        secondMoment.save(into: &state, names: parameters)
        return state
    }

    public func loadState(_ state: OptimizerState) throws(CheckpointError) {
        // 2⁵³: every integer below is exact in the double the step is saved as, and far more
        // steps than any run takes; larger or fractional values are corrupt.
        guard let step = state.scalars["step"], step >= 0, step <= 9_007_199_254_740_992, step == step.rounded() else {
            throw .invalidMetadata("optimizer state 'step' must be an integer in 0...2^53, got \(state.scalars["step"].map { "\($0)" } ?? "nothing")")
        }
        try firstMoment.load(from: state, names: parameters)
        try secondMoment.load(from: state, names: parameters)
        stepCount = Int(step)
    }
}

