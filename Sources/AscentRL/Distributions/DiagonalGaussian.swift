import AscentTensor
import Foundation

/// A Gaussian over action vectors with independent dimensions: mean μ(s) from the actor,
/// standard deviation σ = exp(log σ) from a state-independent parameter (PPO's
/// continuous-control details 1-3). Log-probabilities sum over dimensions.
///
/// With `squashed`, the sample u is passed through tanh (SAC's bounded actions) and the
/// log-probability includes the change of variables: log π(a) = log N(u) − Σ log(1 − tanh²u + ε).
public struct DiagonalGaussian {
    /// `[batch, dimensions]`
    public let mean: Tensor
    /// `[dimensions]`: state-independent.
    public let logStd: Tensor
    public let squashed: Bool

    /// log √(2π)
    static let halfLogTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))
    /// Keeps log(1 − tanh²) finite at saturation (CleanRL and SB3 use 1e-6).
    static let squashEpsilon: Float = 1e-6

    public init(mean: Tensor, logStd: Tensor, squashed: Bool = false) {
        self.mean = mean
        self.logStd = logStd
        self.squashed = squashed
    }

    /// log π of pre-squash samples `u` (`[batch, dimensions]`), summed over dimensions: `[batch]`.
    /// `logStd` must be `[dimensions]` (state-independent).
    public func logProbability(ofUnsquashed u: Tensor) -> Tensor {
        let logProbability = Tensor.diagonalGaussianLogProbability(samples: u, mean: mean, logStd: logStd)
        guard squashed else { return logProbability }
        let y = u.detached().tanh()
        return logProbability - (1 - y * y + DiagonalGaussian.squashEpsilon).log().sum(alongAxis: -1)
    }

    /// Differential entropy of the unsquashed Gaussian, Σ log σ + d · ½ log 2πe: the same for
    /// every state, since σ does not depend on it (a scalar). There is no closed form after
    /// tanh; PPO uses this.
    public func entropy() -> Tensor {
        logStd.sum() + Float(logStd.count) * (0.5 + DiagonalGaussian.halfLogTwoPi)
    }
}
