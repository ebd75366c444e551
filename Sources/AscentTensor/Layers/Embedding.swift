/// A lookup table of learned vectors: token id → `[dimension]` row of `weight`.
public final class Embedding: Module {
    public let weight: Parameter

    public init(vocabularySize: Int, dimension: Int, standardDeviation: Float = 0.02, generator: inout RandomGenerator) {
        weight = Parameter(.randomNormal([vocabularySize, dimension], standardDeviation: standardDeviation, generator: &generator))
    }

    public func callAsFunction(_ indices: IntTensor) -> Tensor { weight.value.embedding(indices) }
}
