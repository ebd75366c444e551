import AscentTensor

/// Minibatch indices drawn from successive shuffles of `0..<count`. A new permutation is drawn
/// from `generator` when the previous one is used up, so the whole position in the data is this
/// value: saved in a checkpoint, it continues with exactly the batches an uninterrupted run
/// would have drawn.
struct ShuffledBatches: Codable, Equatable {
    let count: Int
    private(set) var generator: RandomGenerator
    private(set) var order: [Int] = []
    private(set) var cursor = 0
    /// Permutations drawn so far: the epoch the last batch came from.
    private(set) var epoch = 0

    init(count: Int, generator: RandomGenerator) {
        self.count = count
        self.generator = generator
    }

    /// Whether the last batch used up its permutation (an epoch just ended).
    var endsEpoch: Bool { cursor == order.count }

    /// The next `size` indices. With `acrossEpochs` a batch continues into the next permutation
    /// (language-model training: every batch is full); without, an epoch's last batch is shorter.
    mutating func next(_ size: Int, acrossEpochs: Bool) -> [Int] {
        guard count > 0 else { return [] }
        var chosen: [Int] = []
        while chosen.count < size {
            if endsEpoch {
                if !chosen.isEmpty && !acrossEpochs { break }
                order = generator.permutation(count)
                cursor = 0
                epoch += 1
            }
            let taken = Swift.min(size - chosen.count, order.count - cursor)
            chosen += order[cursor..<(cursor + taken)]
            cursor += taken
        }
        return chosen
    }
}
