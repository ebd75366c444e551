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
        withoutActuallyEscaping(body) { job in
            for i in 0..<threadCount where shared.errors[i] != nil { shared.errors[i] = nil }  // write only if set: keeps the line unshared
            shared.job = job
            shared.post()
            do { try job(0) } catch { shared.errors[0] = error }
            shared.waitForWorkers()
            shared.job = nil
        }
        for i in 0..<threadCount { if let error = shared.errors[i] { throw error } }
    }

    /// State shared with the worker threads (which outlive no pool: `stop` ends them).
    private final class Shared: @unchecked Sendable {
        typealias CacheLinePadding = (Int, Int, Int, Int, Int, Int, Int, Int)
        // What the caller writes and workers read sits apart from what workers write, so a
        // step's handshake moves each 64-byte cache line between cores once.
        private let padding0: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
        let generation = Atomic<Int>(0)
        var job: ((Int) throws -> Void)?
        private let padding1: CacheLinePadding = (0, 0, 0, 0, 0, 0, 0, 0)
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

        func post() {
            finished.store(0, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
        }

        func waitForWorkers() {
            while finished.load(ordering: .acquiring) < workers { }
        }

        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }

        func workerLoop(index: Int) {
            var seen = 0
            while true {
                var spins = 0
                var spinStart = DispatchTime.now().uptimeNanoseconds
                while generation.load(ordering: .acquiring) == seen {
                    spins += 1
                    guard spins & 1023 == 0 else { continue }
                    guard DispatchTime.now().uptimeNanoseconds - spinStart >= Shared.spinNanoseconds else { continue }
                    condition.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    condition.unlock()
                    spinStart = DispatchTime.now().uptimeNanoseconds
                }
                if stopping.load(ordering: .acquiring) { return }
                seen = generation.load(ordering: .acquiring)
                do { try job?(index) } catch { errors[index] = error }
                finished.add(1, ordering: .releasing)
            }
        }
    }
}
