import AscentTensor

/// The twin critics of clipped double Q-learning (Fujimoto et al. 2018), as SAC and TD3
/// use them: every pass over both networks runs one network per core.
///
/// The two critics (and the two targets) share no parameters, gradients or graph nodes, so
/// `KernelThreads.concurrently` may evaluate and back-propagate them at once (each network's
/// matrix products then run on one core). The values and gradients are exactly those of the
/// serial computation, at any thread count, and at SB3's sizes (256-256, batch 256) the
/// critics are most of a gradient step's arithmetic.
extension ContinuousQNetwork {
    /// min(Q₁(s, a), Q₂(s, a)) elementwise, `[batch]`. With `frozen`, the weights are held
    /// constant and gradients reach only `actions` (the actor's loss); otherwise the
    /// caller's recording mode applies (targets run without gradients).
    static func minimum(_ first: ContinuousQNetwork, _ second: ContinuousQNetwork,
                        _ observations: Tensor, _ actions: Tensor, frozen: Bool = false) -> Tensor {
        var q1 = Tensor(0), q2 = Tensor(0)
        KernelThreads.concurrently({
            q1 = frozen ? first.frozen(observations, actions) : first(observations, actions)
        }, {
            q2 = frozen ? second.frozen(observations, actions) : second(observations, actions)
        })
        return Tensor.minimum(q1, q2)
    }

    /// Regresses both critics toward `target`: back-propagates `weight · MSE(Qᵢ(s, a), target)`
    /// for each critic on its own core, which accumulates exactly the gradients of
    /// `weight · (MSE₁ + MSE₂)`. Returns that summed loss and the mean of Q₁ (for logging).
    static func regress(_ first: ContinuousQNetwork, _ second: ContinuousQNetwork, observations: Tensor, actions: Tensor,
                        toward target: Tensor, weight: Float) -> (loss: Float, meanQ: Float) {
        var loss1: Float = 0, loss2: Float = 0, meanQ: Float = 0
        KernelThreads.concurrently({
            let q = first(observations, actions)
            let loss = q.meanSquaredError(target) * weight
            loss.backward()
            (loss1, meanQ) = (loss.item, withoutGradients { q.mean().item })
        }, {
            let loss = second(observations, actions).meanSquaredError(target) * weight
            loss.backward()
            loss2 = loss.item
        })
        return (loss1 + loss2, meanQ)
    }
}
