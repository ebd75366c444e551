import Testing
@testable import AscentTensor

@Suite("End to end")
struct EndToEndTests {
    /// Fits y = sin(3x) on [-1, 1] with a 1-32-32-1 tanh MLP and Adam.
    @Test func mlpFitsARegressionTarget() {
        var generator = RandomGenerator(seed: 0, stream: "fit")
        let model = MLP(sizes: [1, 32, 32, 1], activation: .tanh, generator: &generator)
        let xs = (0..<64).map { Float($0) / 31.5 - 1 }
        let x = Tensor(shape: [64, 1], xs), y = Tensor(shape: [64, 1], xs.map { Libm.sinf(3 * $0) })
        let optimizer = Adam(model.namedParameters(), learningRate: 1e-2)
        var loss: Float = .infinity
        for _ in 0..<600 {
            optimizer.zeroGradients()
            let l = (model(x) - y).pow(2).mean()
            l.backward()
            optimizer.step()
            loss = l.item
        }
        #expect(loss < 2e-3)
    }
}
