/// How a ``WorkerPool`` call splits `count` items into one contiguous block per thread:
/// the caller's block (thread 0) first, then the workers' blocks, even among themselves.
///
/// The caller's block is an even share plus `callerExtra` items (minus, when negative),
/// because the caller is not quite a peer: it starts its block about one cache-line
/// transfer before the workers see the job, and sees them finish one transfer after they
/// do (0.1-0.2 µs each on two cores of this kind of machine). With small items, such as
/// 32 Pendulum steps of 75 ns, an even split keeps the caller idle for several items' time.
/// ``BlockBalance`` tunes the extra from how long the caller waits.
struct BlockSplit: Equatable {
    let threads: Int
    var callerExtra = 0

    /// The most items the balance may move either way: a quarter of an even share, so a
    /// noisy spell cannot starve a thread.
    static func maximumExtra(count: Int, threads: Int) -> Int { count / threads / 4 }

    /// Items of `worker`'s block (0: the caller) out of `count`.
    func block(_ worker: Int, of count: Int) -> Range<Int> {
        let bound = Self.maximumExtra(count: count, threads: threads)
        let callerEnd = count / threads + Swift.min(Swift.max(callerExtra, -bound), bound)
        guard worker > 0 else { return 0..<callerEnd }
        let rest = count - callerEnd, workers = threads - 1
        return (callerEnd + rest * (worker - 1) / workers)..<(callerEnd + rest * worker / workers)
    }
}

/// Tunes a ``BlockSplit`` from how long the caller waited for the workers after its block.
///
/// The caller counts its spins while waiting. Waiting for two or more spins votes to give
/// it one more item; not waiting at all votes to give it one fewer. Eight net votes either
/// way move one item, so the boundary moves at most every eight calls: moving it hands one
/// sub-environment's memory to the other core, which costs about as much as the imbalance
/// it corrects. Results never depend on the split (items are independent), only speed does.
struct BlockBalance {
    private(set) var split: BlockSplit
    private var votes = 0
    static let votesToMove = 8

    init(threads: Int) { split = BlockSplit(threads: threads) }

    /// Records one call of `count` items after which the caller spun `spins` times waiting.
    mutating func record(spins: Int, count: Int) {
        if spins >= 2 { votes += 1 } else if spins == 0 { votes -= 1 }
        guard Swift.abs(votes) >= Self.votesToMove else { return }
        let bound = BlockSplit.maximumExtra(count: count, threads: split.threads)
        split.callerExtra = Swift.min(Swift.max(split.callerExtra + votes.signum(), -bound), bound)
        votes = 0
    }
}
