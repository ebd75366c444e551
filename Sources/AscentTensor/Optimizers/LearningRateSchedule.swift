#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate as a function of training progress, measured in updates.
///
/// ```swift
/// let schedule = LearningRateSchedule.linear(from: 3e-4, to: 0, steps: 488)   // PPO's annealing
/// optimizer.learningRate = schedule.value(atStep: update)
/// ```
public indirect enum LearningRateSchedule: Sendable, Equatable {
    /// The same value throughout.
    case constant(Float)
    /// Straight line from `from` at step 0 to `to` at `steps`, then held.
    case linear(from: Float, to: Float, steps: Int)
    /// Half-cosine from `peak` at step 0 down to `minimum` at `steps`, then held.
    case cosine(peak: Float, minimum: Float, steps: Int)
    /// Rises linearly from 0 to the following schedule's first value over `steps`,
    /// then follows it (with its step count starting at the end of the warm-up).
    case warmup(steps: Int, then: LearningRateSchedule)

    /// The learning rate for update number `step` (0-based).
    public func value(atStep step: Int) -> Float {
        switch self {
        case .constant(let value):
            return value
        case .linear(let from, let to, let steps):
            let fraction = steps <= 0 ? 1 : min(1, Float(max(step, 0)) / Float(steps))
            return from + (to - from) * fraction
        case .cosine(let peak, let minimum, let steps):
            let fraction = steps <= 0 ? 1 : min(1, Double(max(step, 0)) / Double(steps))
            return minimum + (peak - minimum) * Float(0.5 * (1 + cos(Double.pi * fraction)))
        case .warmup(let steps, let next):
            guard step < steps else { return next.value(atStep: step - steps) }
            return next.value(atStep: 0) * Float(step + 1) / Float(steps)
        }
    }
}
