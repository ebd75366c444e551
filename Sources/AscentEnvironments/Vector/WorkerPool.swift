import AscentSpinHint
import Foundation
import Synchronization

/// Work split over a ``WorkerPool``'s threads: `count` independent items, run in one
/// contiguous block per thread.
///
/// A job is a value (buffer pointers, sizes, read-only settings) that workers read in
/// place, by address: unlike a closure's context or a job object, nothing of it is
/// reference counted on both threads. A count that one core updates and another reads
/// moves its cache line between cores, at about 0.1 µs a time, which is a lot next to
/// stepping 32 small environments (about 2.5 µs).
protocol BlockJob {
    /// Items to split (see ``BlockSplit``).
    var count: Int { get }
    /// Runs items `block`; every block writes only its own items' memory.
    func run(_ block: Range<Int>) throws
}

extension BlockJob {
    /// Runs block `block` of the job at `address`: type-erased, so workers can call it
    /// through a metatype without knowing the job's type.
    fileprivate static func runBlock(at address: UnsafeRawPointer, _ block: Int, split: BlockSplit) throws {
        let job = address.assumingMemoryBound(to: Self.self)
        try job.pointee.run(split.block(block, of: job.pointee.count))
    }
}

/// A fixed set of threads that run one job in parallel and wait for the next: the calling
/// thread runs block 0, and block w belongs to persistent background worker w.
///
/// Stepping 64 small environments takes a few microseconds, so waking threads through the
/// kernel each step would cost more than the work. Idle workers therefore spin on an
/// atomic round counter for up to `spinNanoseconds` before sleeping on a condition
/// variable; a step that follows soon after the last one finds them awake.
///
/// A worker is a helper, never something the caller depends on to make progress. It must
/// *claim* its block before running it, and a caller that finishes its own block and then
/// waits a little claims and runs every block whose worker has not started. So a worker
/// that is asleep, or descheduled because threads outnumber free cores (two training runs
/// on two cores, or the kernels' own threads), costs a step at most the serial time
/// instead of a scheduler time slice. Spin-waits also yield the core (`sched_yield`) after
/// `spinsBeforeYielding` spins, so an idle worker does not hold a core others need.
final class WorkerPool: @unchecked Sendable {
    let threadCount: Int
    private let shared: Shared
    /// Calls posted so far (the caller's copy of `shared.round`).
    private var round = 0
    private var balance: BlockBalance

    /// - Parameter startingWorkers: false leaves the background threads unstarted, so the
    ///   caller must take over every block (tests of that path use it).
    init(threads: Int, startingWorkers: Bool = true) {
        threadCount = Swift.max(1, threads)
        balance = BlockBalance(threads: threadCount)
        shared = Shared(workers: threadCount - 1)
        for index in 1..<Swift.max(threadCount, 1) where startingWorkers {
            let shared = self.shared
            let thread = Thread { shared.workerLoop(index: index) }
            thread.name = "ascent-env-worker-\(index)"
            thread.start()
        }
    }

    deinit { shared.stop() }

    /// Runs `job` with one contiguous block per thread (see ``BlockSplit``) and returns when
    /// all blocks are done. Rethrows the lowest-numbered block's error.
    func run<Job: BlockJob>(_ job: Job) throws {
        guard threadCount > 1 else { return try job.run(0..<job.count) }
        for i in 0..<threadCount where shared.errors[i] != nil { shared.errors[i] = nil }  // write only if set: keeps the line unshared
        round += 1
        let split = balance.split
        let spins = withUnsafePointer(to: job) { address in
            shared.post(UnsafeRawPointer(address), type: Job.self, split: split, round: round)
            do { try Job.runBlock(at: address, 0, split: split) } catch { shared.errors[0] = error }
            shared.wakeSleepers()
            return shared.waitForWorkers(round: round)
        }
        balance.record(spins: spins, count: job.count)
        for i in 0..<threadCount { if let error = shared.errors[i] { throw error } }
    }

    /// Runs `job` on `pool`, or all of it on the calling thread when there is no pool.
    static func run<Job: BlockJob>(_ job: Job, on pool: WorkerPool?) throws {
        if let pool { try pool.run(job) } else { try job.run(0..<job.count) }
    }

    /// State shared with the worker threads (which outlive no pool: `stop` ends them).
    ///
    /// A call costs the caller one plain store (the round, next to the job) and a wait for
    /// the workers' completion count. Nothing the workers read is changed by an atomic
    /// read-modify-write of the caller's on the usual path, which would stall it until the
    /// line came back from the worker's core: the caller touches a worker's claim only when
    /// it has waited `spinsBeforeStealing` spins.
    private final class Shared: @unchecked Sendable {
        typealias CacheLinePadding = (Int, Int, Int, Int, Int, Int, Int, Int)
        private let padding0: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        /// Bumped by the caller for every call (and to stop the workers); only the caller writes it.
        let round = Atomic<Int>(0)
        /// The current call's job, its type and split; written before `round`, read after it.
        @exclusivity(unchecked) nonisolated(unsafe) var job: (address: UnsafeRawPointer, type: any BlockJob.Type, split: BlockSplit)?
        private let padding1: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        /// Blocks finished by workers or taken over by the caller, summed over calls.
        let finished = Atomic<Int>(0)
        private let padding2: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        let sleepers = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let workers: Int
        let condition = NSCondition()
        /// The last round whose block w has been claimed (by worker w, or by the caller), at
        /// index `w * claimStride`: a cache line per worker. Always the current round or the
        /// one before, since every round's blocks are claimed before the next round starts.
        let claims: UnsafeMutablePointer<Atomic<Int>>
        static let claimStride = 8
        /// One slot per block, so threads never write the same memory.
        let errors: UnsafeMutablePointer<(any Error)?>
        /// How long an idle worker spins before sleeping (long enough to cover a policy
        /// forward pass between two environment steps).
        static let spinNanoseconds: UInt64 = 2_000_000
        /// About 40 µs of PAUSE on current x86 cores: far longer than any wait between two
        /// running threads, far shorter than a time slice.
        static let spinsBeforeYielding = 1024
        /// About 1 µs: a worker that is awake claims its block within about 0.2 µs of the
        /// round, while the caller is still on its own block of a few microseconds.
        static let spinsBeforeStealing = 24

        init(workers: Int) {
            self.workers = workers
            errors = .allocate(capacity: workers + 1)
            errors.initialize(repeating: nil, count: workers + 1)
            claims = .allocate(capacity: (workers + 1) * Self.claimStride)
            for i in 0..<((workers + 1) * Self.claimStride) { (claims + i).initialize(to: Atomic(0)) }
        }

        deinit {
            errors.deinitialize(count: workers + 1)
            errors.deallocate()
            claims.deinitialize(count: (workers + 1) * Self.claimStride)
            claims.deallocate()
        }

        /// Publishes a job as call number `round`.
        func post(_ address: UnsafeRawPointer, type: any BlockJob.Type, split: BlockSplit, round: Int) {
            job = (address, type, split)
            self.round.store(round, ordering: .releasing)
        }

        /// Wakes workers that went to sleep; called after the caller's own block, so the usual
        /// case (workers spinning) costs the caller nothing before it starts.
        func wakeSleepers() {
            // Pairs with the sleeper's increment then re-check of `round`: either it sees the
            // new round, or this load sees it sleeping.
            atomicMemoryFence(ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Claims block `block` of call `round` for the calling thread; false if taken.
        func claim(_ block: Int, round: Int) -> Bool {
            claims[block * Self.claimStride].compareExchange(expected: round - 1, desired: round, ordering: .acquiringAndReleasing).exchanged
        }

        /// Runs block `block` of the posted job on this thread and counts it finished.
        func runClaimed(_ block: Int) {
            let (address, type, split) = job!
            do { try type.runBlock(at: address, block, split: split) } catch { errors[block] = error }
            finished.add(1, ordering: .releasing)
        }

        /// Waits until every worker block of call `round` is finished, running those whose
        /// worker has not claimed them yet; returns how many times the caller spun.
        func waitForWorkers(round: Int) -> Int {
            let target = round * workers
            var spins = 0
            while finished.load(ordering: .acquiring) < target {
                if spins == Self.spinsBeforeStealing {
                    for block in 1...workers where claims[block * Self.claimStride].load(ordering: .relaxed) != round && claim(block, round: round) {
                        runClaimed(block)
                    }
                }
                Self.pause(afterSpins: spins)
                spins += 1
            }
            return spins
        }

        /// One iteration of a spin-wait: the CPU's spin hint, or yielding the core once the
        /// wait has gone on for `spinsBeforeYielding` spins.
        static func pause(afterSpins spins: Int) {
            if spins < spinsBeforeYielding { ascent_spin_hint() } else { sched_yield() }
        }

        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            round.add(1, ordering: .sequentiallyConsistent)
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }

        func workerLoop(index: Int) {
            var seen = 0
            while true {
                var spins = 0
                var spinStart = DispatchTime.now().uptimeNanoseconds
                while round.load(ordering: .acquiring) == seen {
                    Self.pause(afterSpins: spins)
                    spins += 1
                    guard spins & 63 == 0 else { continue }
                    guard DispatchTime.now().uptimeNanoseconds - spinStart >= Self.spinNanoseconds else { continue }
                    condition.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while round.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    condition.unlock()
                    spinStart = DispatchTime.now().uptimeNanoseconds
                }
                if stopping.load(ordering: .acquiring) { return }
                seen = round.load(ordering: .acquiring)
                if claim(index, round: seen) { runClaimed(index) }
            }
        }
    }
}
