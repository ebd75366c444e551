/// Target networks for off-policy learning (DQN, SAC, TD3): a slowly moving copy of a
/// network that the bootstrapped targets are computed with, so a Q-update does not chase
/// its own moving estimate.
extension Module {
    /// Hard update: copies every parameter of `source` (same architecture) into this module.
    public func copyParameters(from source: Module) {
        for (target, value) in zip(parameters, Self.matching(self, source)) { target.assign(value.value) }
    }

    /// Polyak averaging: θ_target ← (1 − τ) θ_target + τ θ_source, with τ in (0, 1]
    /// (τ = 1 is a hard update).
    public func polyakAverage(toward source: Module, tau: Float) {
        precondition(tau > 0 && tau <= 1, "polyakAverage: τ must lie in (0, 1], got \(tau)")
        for (target, value) in zip(parameters, Self.matching(self, source)) {
            let t = target.valuePointer, s = value.valuePointer
            for i in 0..<target.count { t[i] += tau * (s[i] - t[i]) }
        }
    }

    private static func matching(_ target: Module, _ source: Module) -> [Parameter] {
        let targetNamed = target.namedParameters(), sourceNamed = source.namedParameters()
        precondition(targetNamed.map(\.name) == sourceNamed.map(\.name) && zip(targetNamed, sourceNamed).allSatisfy { $0.parameter.shape == $1.parameter.shape },
                     "target network: the two modules have different parameters")
        return sourceNamed.map(\.parameter)
    }
}

extension MLP {
    /// The forward pass with the weights treated as constants: gradients reach the input
    /// but no parameter. SAC's and TD3's actor losses differentiate Q(s, π(s)) with respect
    /// to the action only; this skips computing critic weight gradients nobody uses.
    public func frozen(_ x: Tensor) -> Tensor {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = h.linear(weight: layer.weight.value.detached(), bias: layer.bias?.value.detached(),
                         activation: i < layers.count - 1 ? activation : outputActivation)
        }
        return h
    }
}
