import AscentSpinHint
import Foundation
import Synchronization

/// A fixed set of threads that run one job in parallel and wait for the next: worker 0 is
/// the calling thread, workers 1… are persistent background threads.
///
/// Stepping 64 small environments takes a few microseconds, so waking threads through the
/// kernel each step would cost more than the work. Idle workers therefore spin on an
/// atomic generation counter for up to `spinSeconds` before sleeping on a condition
/// variable; a step that follows soon after the last one finds them awake.
final class WorkerPool: @unchecked Sendable {
    let threadCount: Int
    private let shared: Shared

    init(threads: Int) {
        threadCount = Swift.max(1, threads)
        shared = Shared(workers: threadCount - 1)
        for index in 1..<Swift.max(threadCount, 1) {
            let shared = self.shared
            let thread = Thread { shared.workerLoop(index: index) }
            thread.name = "ascent-env-worker-\(index)"
            thread.start()
        }
    }

    deinit { shared.stop() }

    /// Splits 0..<count into one contiguous block per thread and runs `body` on each block.
    func forEachBlock(of count: Int, _ body: (Range<Int>) throws -> Void) throws {
        let threads = threadCount
        try run { worker in try body((worker * count / threads)..<((worker + 1) * count / threads)) }
    }

    /// Calls `body(worker)` for worker in 0..<threadCount concurrently; returns when all finish.
    /// Rethrows the lowest-numbered worker's error.
    func run(_ body: (Int) throws -> Void) throws {
        guard threadCount > 1 else { return try body(0) }
        withoutActuallyEscaping(body) { body in
            for i in 0..<threadCount where shared.errors[i] != nil { shared.errors[i] = nil }  // write only if set: keeps the line unshared
            let job = Unmanaged.passRetained(Job(body))
            let round = shared.post(job)
            do { try body(0) } catch { shared.errors[0] = error }
            shared.wakeSleepers()
            shared.waitForWorkers(round: round)
            job.release()
        }
        for i in 0..<threadCount { if let error = shared.errors[i] { throw error } }
    }

    /// One call's body, handed to the workers by an unretained pointer: they read it without
    /// touching its reference count (a cache line the caller would then have to win back).
    private final class Job {
        let body: (Int) throws -> Void
        init(_ body: @escaping (Int) throws -> Void) { self.body = body }
    }

    /// State shared with the worker threads (which outlive no pool: `stop` ends them).
    ///
    /// A call costs the caller one write (the round, next to the job pointer) and a wait for
    /// the workers' completion count, which only workers write: each line changes hands as
    /// few times as possible, about 0.3 µs per call between two cores.
    private final class Shared: @unchecked Sendable {
        typealias CacheLinePadding = (Int, Int, Int, Int, Int, Int, Int, Int)
        private let padding0: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        /// Bumped by the caller for every call (and to stop the workers).
        let round = Atomic<Int>(0)
        /// The current call's `Job`, unretained; written before `round`.
        let job = Atomic<UInt>(0)
        private let padding1: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        /// Calls finished by workers, summed over workers: only workers write it.
        let finished = Atomic<Int>(0)
        private let padding2: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        let sleepers = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let workers: Int
        let condition = NSCondition()
        /// One slot per worker, so workers never write the same memory.
        let errors: UnsafeMutablePointer<(any Error)?>
        /// How long an idle worker spins before sleeping (long enough to cover a policy
        /// forward pass between two environment steps).
        static let spinNanoseconds: UInt64 = 2_000_000

        init(workers: Int) {
            self.workers = workers
            errors = .allocate(capacity: workers + 1)
            errors.initialize(repeating: nil, count: workers + 1)
        }

        deinit {
            errors.deinitialize(count: workers + 1)
            errors.deallocate()
        }

        /// Publishes a job; returns its round number.
        func post(_ job: Unmanaged<Job>) -> Int {
            self.job.store(UInt(bitPattern: job.toOpaque()), ordering: .relaxed)
            return round.add(1, ordering: .sequentiallyConsistent).newValue
        }

        /// Wakes workers that went to sleep; called after the caller's own share of the work,
        /// so the usual case (workers spinning) costs the caller nothing before it starts.
        func wakeSleepers() {
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
        }

        func waitForWorkers(round: Int) {
            let target = round * workers
            while finished.load(ordering: .acquiring) < target { ascent_spin_hint() }
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
                    ascent_spin_hint()
                    spins += 1
                    guard spins & 1023 == 0 else { continue }
                    guard DispatchTime.now().uptimeNanoseconds - spinStart >= Shared.spinNanoseconds else { continue }
                    condition.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while round.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    condition.unlock()
                    spinStart = DispatchTime.now().uptimeNanoseconds
                }
                if stopping.load(ordering: .acquiring) { return }
                seen = round.load(ordering: .acquiring)
                let pointer = UnsafeRawPointer(bitPattern: job.load(ordering: .relaxed))!
                do {
                    try Unmanaged<Job>.fromOpaque(pointer)._withUnsafeGuaranteedRef { try $0.body(index) }
                } catch {
                    errors[index] = error
                }
                finished.add(1, ordering: .releasing)
            }
        }
    }
}
