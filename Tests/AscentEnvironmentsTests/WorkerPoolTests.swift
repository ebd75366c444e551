import Testing
@testable import AscentEnvironments

@Suite("Worker pool: block splits, their balance, and calls")
struct WorkerPoolTests {
    /// Every split covers 0..<count exactly once, in order, whatever the extra asked for.
    @Test func splitsPartitionTheItems() {
        for threads in 2...4 {
            for count in threads...70 {
                for extra in -20...20 {
                    let split = BlockSplit(threads: threads, callerExtra: extra)
                    let blocks = (0..<threads).map { split.block($0, of: count) }
                    #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == count)
                    #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                    let bound = BlockSplit.maximumExtra(count: count, threads: threads)
                    #expect(blocks[0].count == count / threads + Swift.min(Swift.max(extra, -bound), bound))
                }
            }
        }
        // No extra: the even split, e.g. 64 over 2 threads is 32 and 32.
        #expect(BlockSplit(threads: 2).block(1, of: 64) == 32..<64)
    }

    @Test func balanceMovesOneItemAfterEightVotes() {
        var balance = BlockBalance(threads: 2)
        for _ in 0..<7 { balance.record(spins: 5, count: 64) }
        #expect(balance.split.callerExtra == 0)
        balance.record(spins: 5, count: 64)
        #expect(balance.split.callerExtra == 1, "the caller kept waiting: it takes one more item")
        // A single spin is no vote; alternating waits and no waits cancel out.
        for _ in 0..<100 { balance.record(spins: 1, count: 64) }
        for i in 0..<100 { balance.record(spins: i % 2 == 0 ? 0 : 3, count: 64) }
        #expect(balance.split.callerExtra == 1)
        // The caller never waits: items go back to the workers, down to the bound.
        for _ in 0..<1000 { balance.record(spins: 0, count: 64) }
        #expect(balance.split.callerExtra == -BlockSplit.maximumExtra(count: 64, threads: 2))
        #expect(BlockSplit.maximumExtra(count: 64, threads: 2) == 8)
    }

    /// Each item runs exactly once per call, on the thread its block belongs to, while the
    /// balance moves the split between calls.
    @Test func everyItemRunsOncePerCall() throws {
        let pool = WorkerPool(threads: 3)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 50)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        for _ in 0..<300 { try pool.run(CountingJob(counts: counts)) }
        #expect(counts.allSatisfy { $0 == 300 })
    }

    /// Workers that never run (asleep, descheduled, here never started) do not stall a call:
    /// the caller takes over their blocks, errors included.
    @Test func theCallerRunsBlocksNoWorkerClaimed() throws {
        let pool = WorkerPool(threads: 3, startingWorkers: false)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 30)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        for _ in 0..<20 { try pool.run(CountingJob(counts: counts)) }
        #expect(counts.allSatisfy { $0 == 20 })
        #expect(throws: ItemFailed(item: 25)) { try pool.run(FailingJob(count: 30, failing: [25])) }
    }

    /// The lowest-numbered failing block's error comes back, and the pool keeps working.
    @Test func errorsComeBackAndThePoolRecovers() throws {
        let pool = WorkerPool(threads: 2)
        #expect(throws: ItemFailed(item: 10)) { try pool.run(FailingJob(count: 64, failing: [10, 50])) }
        #expect(throws: ItemFailed(item: 50)) { try pool.run(FailingJob(count: 64, failing: [50])) }
        try pool.run(FailingJob(count: 64, failing: []))
    }

    private struct CountingJob: BlockJob {
        let counts: UnsafeMutableBufferPointer<Int>
        var count: Int { counts.count }
        func run(_ block: Range<Int>) { for i in block { counts[i] += 1 } }
    }

    private struct ItemFailed: Error, Equatable { let item: Int }

    private struct FailingJob: BlockJob {
        let count: Int
        let failing: Set<Int>
        func run(_ block: Range<Int>) throws {
            for i in block where failing.contains(i) { throw ItemFailed(item: i) }
        }
    }
}
