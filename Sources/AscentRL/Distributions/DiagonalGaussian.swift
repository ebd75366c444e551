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
    /// `[dimensions]` or `[batch, dimensions]`
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
    public func logProbability(ofUnsquashed u: Tensor) -> Tensor {
        let z = (u - mean) * (-logStd).exp()
        var perDimension = z * z * -0.5 - logStd - DiagonalGaussian.halfLogTwoPi
        if squashed {
            let y = u.detached().tanh()
            perDimension = perDimension - (1 - y * y + DiagonalGaussian.squashEpsilon).log()
        }
        return perDimension.sum(alongAxis: -1)
    }

    /// Differential entropy of the unsquashed Gaussian, summed over dimensions: `[batch]`
    /// (Σ log σ + ½ log 2πe per row). There is no closed form after tanh; PPO uses this.
    public func entropy() -> Tensor {
        let perDimension = logStd + (0.5 + DiagonalGaussian.halfLogTwoPi)
        let rows = mean.shape[0]
        return (perDimension.broadcast(to: mean.shape)).sum(alongAxis: -1).reshaped([rows])
    }
}
