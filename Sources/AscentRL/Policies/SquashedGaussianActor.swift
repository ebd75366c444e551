import AscentTensor
import Foundation

/// SAC's policy: a network giving a mean and a state-dependent log-std per action dimension;
/// actions are a = tanh(u), u ~ N(μ(s), σ(s)²), so they lie in (−1, 1) (scaled onto the
/// environment's bounds outside).
///
/// The log-probability includes the change of variables through tanh,
///
///     log π(a|s) = Σ_d [log N(u_d; μ_d, σ_d) − log(1 − tanh²(u_d))],
///
/// with log(1 − tanh²u) computed as 2 (log 2 − u − softplus(−2u)), which stays finite where
/// the ε-guarded form log(1 − tanh²u + ε) would bias it.
public final class SquashedGaussianActor: Module {
    /// Observation → hidden layers → 2·actions outputs (means, then log-stds).
    public let body: MLP
    public let actionSize: Int
    /// The log-std is clamped to this range (Stable-Baselines3's bounds).
    public static let logStdRange: ClosedRange<Float> = -20...2

    public init(observationSize: Int, actionSize: Int, hiddenSizes: [Int], generator: inout RandomGenerator) {
        body = MLP(sizes: [observationSize] + hiddenSizes + [2 * actionSize], activation: .relu, generator: &generator)
        self.actionSize = actionSize
    }

    /// Means and clamped log-stds, each `[batch, actions]`.
    public func distribution(_ observations: Tensor) -> (mean: Tensor, logStd: Tensor) {
        let output = body(observations)
        let logStd = output.slice(alongAxis: 1, actionSize..<(2 * actionSize))
            .clamped(min: Self.logStdRange.lowerBound, max: Self.logStdRange.upperBound)
        return (output.slice(alongAxis: 1, 0..<actionSize), logStd)
    }

    /// Reparameterised samples a = tanh(μ + σ ε) for standard-normal `noise` `[batch, actions]`,
    /// and their log-probabilities `[batch]`; both differentiable in the actor's parameters.
    public func sample(_ observations: Tensor, noise: Tensor) -> (actions: Tensor, logProbability: Tensor) {
        let (mean, logStd) = distribution(observations)
        let u = mean + logStd.exp() * noise
        // log N(u; μ, σ) = −ε²/2 − log σ − ½ log 2π, since (u − μ)/σ = ε.
        let gaussian = (noise * noise * -0.5 - logStd - DiagonalGaussian.halfLogTwoPi).sum(alongAxis: 1)
        let logJacobian = ((-u * 2).softplus() + u - Float(Foundation.log(2.0))).sum(alongAxis: 1) * -2
        return (u.tanh(), gaussian - logJacobian)
    }

    /// Actions for acting: tanh of the mean (`deterministic`) or of a sample μ + σ ε with ε
    /// from `noise` (`[batch, actions]` standard-normal values) or, if nil, drawn from `generator`.
    public func act(_ observations: Tensor, deterministic: Bool, noise: [Float]? = nil, generator: inout RandomGenerator) throws -> [Float] {
        try withoutGradients {
            let (mean, logStd) = distribution(observations)
            guard mean.isFinite, logStd.isFinite else { throw RLError.nonFinitePolicy }
            if deterministic { return mean.tanh().scalars }
            let epsilon = noise.map { Tensor(shape: mean.shape, $0) } ?? Tensor.randomNormal(mean.shape, generator: &generator)
            return (mean + logStd.exp() * epsilon).tanh().scalars
        }
    }
}
