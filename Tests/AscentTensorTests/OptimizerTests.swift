import Testing
@testable import AscentTensor

/// A quadratic bowl whose gradient changes every step: loss = Σ c ⊙ θ², ∇ = 2 c ⊙ θ.
private let curvature: [Float] = [1, 0.5, 3]
private func takeSteps(_ optimizer: Optimizer, _ parameter: Parameter, count: Int) {
    for _ in 0..<count {
        optimizer.zeroGradients()
        (parameter.value * parameter.value * Tensor(curvature)).sum().backward()
        optimizer.step()
    }
}
private let start: [Float] = [1, -2, 0.5]

@Suite("Optimisers")
struct OptimizerTests {
    @Test func adamMatchesHandComputedBiasCorrectedSteps() {
        let p = Parameter(Tensor(start))
        let adam = Adam([("p", p)], learningRate: 0.1, epsilon: 1e-8)
        takeSteps(adam, p, count: 3)
        var theta = start.map(Double.init), m = [0.0, 0, 0], v = [0.0, 0, 0]
        for t in 1...3 {
            for i in 0..<3 {
                let g = 2 * Double(curvature[i]) * theta[i]
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                let mHat = m[i] / (1 - _pow(0.9, t)), vHat = v[i] / (1 - _pow(0.999, t))
                theta[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        for i in 0..<3 { #expect(Swift.abs(Double(p.value.scalars[i]) - theta[i]) < 1e-5) }
        #expect(adam.stepCount == 3)
    }

    @Test func adamWDecaysDecoupledFromTheGradient() {
        // With a zero gradient, Adam's update is 0 and only the decay acts: θ ← θ (1 − lr λ).
        let p = Parameter(Tensor(start))
        let adamW = Adam.adamW([("p", p)], learningRate: 0.1, weightDecay: 0.5)
        (p.value * 0).sum().backward()
        adamW.step()
        #expect(p.value.scalars == start.map { $0 * (1 - 0.1 * 0.5) })
        // Adam's L2 decay instead joins the gradient: the update is normalised (≈ lr · sign(θ)).
        let q = Parameter(Tensor(start))
        let adam = Adam([("q", q)], learningRate: 0.1, weightDecay: 0.5)
        (q.value * 0).sum().backward()
        adam.step()
        for i in 0..<3 { #expect(Swift.abs(q.value.scalars[i] - (start[i] - 0.1 * (start[i] > 0 ? 1 : -1))) < 1e-5) }
        #expect(q.gradient?.scalars == [0, 0, 0])  // the caller's gradient is untouched
    }

    @Test func sgdWithMomentum() {
        let p = Parameter(Tensor(start))
        takeSteps(SGD([("p", p)], learningRate: 0.1, momentum: 0.9), p, count: 2)
        var theta = start.map(Double.init), b = [0.0, 0, 0]
        for _ in 0..<2 {
            for i in 0..<3 {
                b[i] = 0.9 * b[i] + 2 * Double(curvature[i]) * theta[i]
                theta[i] -= 0.1 * b[i]
            }
        }
        for i in 0..<3 { #expect(Swift.abs(Double(p.value.scalars[i]) - theta[i]) < 1e-5) }
    }

    @Test(arguments: [false, true]) func rmsprop(epsilonInside: Bool) {
        let p = Parameter(Tensor(start))
        takeSteps(RMSprop([("p", p)], learningRate: 0.01, alpha: 0.99, epsilon: 1e-5, epsilonInsideSquareRoot: epsilonInside), p, count: 2)
        var theta = start.map(Double.init), v = [0.0, 0, 0]
        for _ in 0..<2 {
            for i in 0..<3 {
                let g = 2 * Double(curvature[i]) * theta[i]
                v[i] = 0.99 * v[i] + 0.01 * g * g
                theta[i] -= 0.01 * g / (epsilonInside ? (v[i] + 1e-5).squareRoot() : v[i].squareRoot() + 1e-5)
            }
        }
        for i in 0..<3 { #expect(Swift.abs(Double(p.value.scalars[i]) - theta[i]) < 1e-5) }
    }

    @Test func optimizerStateRoundTripsExactly() throws {
        let p = Parameter(Tensor(start)), q = Parameter(Tensor(start))
        let a = Adam([("p", p)], learningRate: 0.05), b = Adam([("p", q)], learningRate: 0.05)
        takeSteps(a, p, count: 3)
        takeSteps(b, q, count: 3)
        let saved = a.state()
        let restoredParameter = Parameter(p.value)
        let restored = Adam([("p", restoredParameter)], learningRate: 0.05)
        try restored.loadState(saved)
        takeSteps(restored, restoredParameter, count: 2)
        takeSteps(b, q, count: 2)
        #expect(restoredParameter.value.scalars == q.value.scalars)
    }

    @Test func optimizerStateRejectsMismatchedShapes() {
        let p = Parameter(Tensor(start))
        let adam = Adam([("p", p)])
        var state = adam.state()
        state.tensors["exp_avg.p"] = Tensor([1, 2])
        #expect(throws: CheckpointError.shapeMismatch(name: "exp_avg.p", expected: [3], found: [2])) { try adam.loadState(state) }
    }

    /// A corrupt step count (beyond 2⁵³, huge, fractional, negative) is refused, not converted
    /// to an integer that traps.
    @Test func optimizerStateRejectsImpossibleStepCounts() throws {
        let adam = Adam([("p", Parameter(Tensor(start)))])
        for step in [9.3e18, 1e300, 2.5, -1, .infinity, .nan] {
            var state = adam.state()
            state.scalars["step"] = step
            #expect(throws: CheckpointError.self, "step \(step)") { try adam.loadState(state) }
        }
        var state = adam.state()
        state.scalars["step"] = 1e6
        try adam.loadState(state)
    }

    @Test func gradientClippingReturnsPreClipNormAndScales() {
        let p = Parameter(Tensor([0, 0])), q = Parameter(Tensor([0]))
        (p.value * Tensor([3, 0]) + (q.value * 4).sum()).sum().backward()  // grads [3, 0] and [8]
        let norm = clipGradientNorm([p, q], maxNorm: 1)
        #expect(Swift.abs(norm - Float(73).squareRoot()) < 1e-5)
        #expect(Swift.abs(globalGradientNorm([p, q]) - 1) < 1e-5)
        // Below the threshold nothing changes.
        let before = p.gradient!.scalars
        #expect(Swift.abs(clipGradientNorm([p, q], maxNorm: 10) - 1) < 1e-5)
        #expect(p.gradient!.scalars == before)
    }

    @Test func learningRateSchedules() {
        #expect(LearningRateSchedule.constant(0.1).value(atStep: 99) == 0.1)
        let linear = LearningRateSchedule.linear(from: 1, to: 0, steps: 4)
        #expect([0, 1, 2, 4, 9].map(linear.value(atStep:)) == [1, 0.75, 0.5, 0, 0])
        let cosine = LearningRateSchedule.cosine(peak: 1, minimum: 0.1, steps: 10)
        #expect(cosine.value(atStep: 0) == 1)
        #expect(Swift.abs(cosine.value(atStep: 5) - 0.55) < 1e-6)
        #expect(Swift.abs(cosine.value(atStep: 10) - 0.1) < 1e-6)
        let warm = LearningRateSchedule.warmup(steps: 4, then: .constant(2))
        #expect([0, 1, 3, 4, 100].map(warm.value(atStep:)) == [0.5, 1, 2, 2, 2])
    }
}

private func _pow(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1) { r, _ in r * x } }
