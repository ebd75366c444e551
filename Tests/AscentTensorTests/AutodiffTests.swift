import Testing
@testable import AscentTensor

@Suite("Autodiff mechanics")
struct AutodiffTests {
    /// Backward closures read their op's output (√x's derivative is 0.5 / y). The consumer's
    /// node runs first and drops the intermediate tensor; the output's storage must outlive
    /// that. Large enough that freed memory is returned to the system (it crashed before).
    @Test func backwardReadsOutputsOfDroppedIntermediates() {
        let n = 1 << 21
        let x = Tensor(shape: [n], (0..<n).map { Float($0 % 97 + 1) }).requiringGradient()
        var loss = (x.sqrt() * 3).sum()
        loss = loss + (x * x / (x + 1)).sum()  // zipped ops reading their output too
        loss.backward()
        let g = x.gradient!.scalars, v = x.scalars
        for i in stride(from: 0, to: n, by: 4099) {
            let expected = 1.5 / v[i].squareRoot() + (v[i] * v[i] + 2 * v[i]) / ((v[i] + 1) * (v[i] + 1))
            #expect(abs(g[i] - expected) < 1e-4 * max(1, abs(expected)))
        }
    }

    @Test func gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        let p = Parameter(Tensor([1, 2, 3]))
        (p.value * 2).sum().backward()
        (p.value * 3).sum().backward()
        #expect(p.gradient?.scalars == [5, 5, 5])
        p.zeroGradient()
        #expect(p.gradient == nil)
    }

    /// A cleared gradient's buffer is reused: the next backward pass must overwrite, not add
    /// to, the stale values (through GEMM's beta, column sums and plain accumulation alike),
    /// and a gradient read earlier must not change under the caller.
    @Test func clearedGradientBuffersAreReusedWithoutStaleValues() {
        var generator = RandomGenerator(seed: 4, stream: "reuse")
        let layer = Linear(inputSize: 3, outputSize: 2, generator: &generator)
        let x = Tensor.randomNormal([5, 3], generator: &generator)
        let loss = { (x.linear(weight: layer.weight.value, bias: layer.bias?.value, activation: .tanh) * layer.bias!.value).sum() }
        loss().backward()
        let first = (layer.weight.gradient!, layer.bias!.gradient!)
        for _ in 0..<2 {
            layer.zeroGradients()
            loss().backward()
            #expect(layer.weight.gradient!.scalars == first.0.scalars)
            #expect(layer.bias!.gradient!.scalars == first.1.scalars)
        }
        loss().backward()
        #expect(layer.weight.gradient!.scalars == first.0.scalars.map { $0 * 2 })
        #expect(first.0.scalars != layer.weight.gradient!.scalars)
    }

    /// Two networks trained side by side on the kernel threads get exactly the gradients of
    /// back-propagating them one after the other, and each task records (or not) as its caller.
    @Test func concurrentBackwardPassesMatchSerialOnes() {
        var generator = RandomGenerator(seed: 9, stream: "concurrent")
        let first = MLP(sizes: [3, 16, 1], generator: &generator), second = MLP(sizes: [3, 16, 1], generator: &generator)
        let x = Tensor.randomNormal([8, 3], generator: &generator)
        func gradients() -> [[Float]] {
            (first.parameters + second.parameters).map { $0.gradient!.scalars }
        }
        first.zeroGradients(); second.zeroGradients()
        first(x).pow(2).sum().backward()
        second(x).tanh().sum().backward()
        let serial = gradients()
        for _ in 0..<20 {
            first.zeroGradients(); second.zeroGradients()
            KernelThreads.concurrently({ first(x).pow(2).sum().backward() }, { second(x).tanh().sum().backward() })
            #expect(gradients() == serial)
        }
        var firstRecorded = true, secondRecorded = true
        withoutGradients {
            KernelThreads.concurrently({ firstRecorded = first(x).requiresGradient }, { secondRecorded = second(x).requiresGradient })
        }
        #expect(!firstRecorded && !secondRecorded)
    }

    @Test func detachStopsGradient() {
        let x = Tensor([1, 2]).requiringGradient()
        (x * x.detached()).sum().backward()
        #expect(x.gradient?.scalars == [1, 2])  // only the non-detached factor contributes
    }

    @Test func noGradientModeRecordsNothing() {
        let layer = MLPFixture.make()
        let y = withoutGradients { layer(Tensor.ones([2, 3])) }
        #expect(!y.requiresGradient)
        #expect(GradientMode.isRecording)
        let z = layer(Tensor.ones([2, 3]))
        #expect(z.requiresGradient)
    }

    @Test func constantsDoNotRequireGradients() {
        let y = Tensor([1, 2]) * Tensor([3, 4])
        #expect(!y.requiresGradient)
        y.sum().backward()  // a no-op, not a crash
    }

    @Test func deepChainsDoNotOverflowTheStack() {
        let x = Tensor([0.5]).requiringGradient()
        var y = x
        for _ in 0..<50_000 { y = y * 1 }
        y.sum().backward()
        #expect(x.gradient?.scalars == [1])
    }
}

enum MLPFixture {
    static func make(seed: UInt64 = 3) -> MLP {
        var generator = RandomGenerator(seed: seed)
        return MLP(sizes: [3, 8, 2], activation: .tanh, generator: &generator)
    }
}

@Suite("Tensor operations")
struct TensorOperationTests {
    @Test func broadcastArithmetic() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor(shape: [2, 1], [2, 3])).scalars == [2, 4, 6, 12, 15, 18])
    }

    @Test func reductionsAlongAxes() {
        let a = Tensor([[1, 5, 3], [4, 2, 6]])
        #expect(a.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(a.max(alongAxis: 1).scalars == [5, 6])
        #expect(a.argmax(alongAxis: 1).scalars == [1, 2])
        #expect(a.mean().item == 3.5)
        #expect(Swift.abs(Tensor([1, 2, 3, 4]).variance().item - 5.0 / 3) < 1e-6)
    }

    @Test func shapeOperations() {
        let a = Tensor(shape: [2, 3], [0, 1, 2, 3, 4, 5])
        #expect(a.transposed().scalars == [0, 3, 1, 4, 2, 5])
        #expect(a.slice(alongAxis: 1, 1..<3).scalars == [1, 2, 4, 5])
        #expect(a[1].scalars == [3, 4, 5])
        #expect(Tensor.concatenate([a, a], alongAxis: 0).shape == [4, 3])
        #expect(Tensor.stack([a, a], alongAxis: 2).shape == [2, 3, 2])
        #expect(a.reshaped([3, -1]).shape == [3, 2])
    }

    @Test func softmaxIsStableForLargeLogits() {
        let p = Tensor([1000, 1001, 1002]).softmax()
        #expect(p.isFinite)
        #expect(Swift.abs(p.sum().item - 1) < 1e-6)
        #expect(Swift.abs(Tensor([1000, 1000]).logSumExp(alongAxis: 0).item - 1000.6931472) < 1e-3)
    }

    @Test func causalMaskBlocksTheFuture() {
        let weights = (Tensor.zeros([3, 3]) + Tensor.causalMask(size: 3)).softmax()
        #expect(weights.scalars.map { ($0 * 1000).rounded() / 1000 } == [1, 0, 0, 0.5, 0.5, 0, 0.333, 0.333, 0.333])
    }

    @Test func whereAndComparisons() {
        let a = Tensor([1, -2, 3])
        #expect((a .> Tensor(0)).scalars == [1, 0, 1])
        #expect(Tensor.where(a .> Tensor(0), a, Tensor(0)).scalars == [1, 0, 3])
    }

    @Test func oneHotAndEmbedding() {
        #expect(IntTensor([2, 0]).oneHot(depth: 3).scalars == [0, 0, 1, 1, 0, 0])
        let table = Tensor([[1, 2], [3, 4], [5, 6]])
        #expect(table.embedding(IntTensor([2, 2, 0])).scalars == [5, 6, 5, 6, 1, 2])
    }

    @Test func exactKernelFunctions() {
        let x = Tensor((-40...40).map { Float($0) * 0.25 })
        let e = x.exp().scalars, t = x.tanh().scalars
        for (i, v) in x.scalars.enumerated() {
            #expect(Swift.abs(e[i] - Libm.expf(v)) <= 2e-7 * Libm.expf(v))
            #expect(Swift.abs(t[i] - Libm.tanhf(v)) <= 5e-7)
        }
        #expect(Tensor([.nan]).exp().scalars[0].isNaN)
        let special = Tensor([.nan, .infinity, -.infinity, 0]).tanh().scalars
        #expect(special[0].isNaN && Swift.abs(special[1] - 1) <= 5e-7 && special[2] == -special[1] && special[3] == 0)
        #expect(Tensor([100]).exp().scalars[0] == .infinity)
    }
}
