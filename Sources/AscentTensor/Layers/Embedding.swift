/// A lookup table of learned vectors: token id → `[dimension]` row of `weight`.
public final class Embedding: Module {
    public let weight: Parameter

    public init(vocabularySize: Int, dimension: Int, standardDeviation: Float = 0.02, generator: inout RandomGenerator) {
        weight = Parameter(.randomNormal([vocabularySize, dimension], standardDeviation: standardDeviation, generator: &generator))
    }

    /// A table of given vectors, `weight` `[vocabulary, dimension]`.
    public init(weight: Parameter) {
        precondition(weight.shape.count == 2, "Embedding: weight must be [vocabulary, dimension], got \(weight.shape)")
        self.weight = weight
    }

    public func callAsFunction(_ indices: IntTensor) -> Tensor { weight.value.embedding(indices) }
}
