import AscentKernels

/// The threads Ascent's kernels split large matrix products over: all online cores by
/// default (or `ASCENT_NUM_THREADS`). Results do not depend on it; speed does.
public enum KernelThreads {
    public static var count: Int { Int(ascent_kernel_threads()) }

    /// Limits the kernels to `threads` threads (1 keeps everything on the calling thread).
    public static func set(_ threads: Int) {
        precondition(threads > 0, "KernelThreads.set: needs at least one thread, got \(threads)")
        ascent_set_kernel_threads(Int32(Swift.min(threads, 64)))
    }

    /// Runs two independent computations at once on the kernel threads (one after the
    /// other when there is only one thread, or the pool is busy), returning when both are done.
    ///
    /// For the small networks of RL, where each matrix product is too small to split, the
    /// parallelism is between networks: PPO's actor and critic losses, forward and backward,
    /// each on its own core. The two must not share anything they write: parameters,
    /// gradients, graph nodes (disjoint networks, constant shared inputs). Each runs with the
    /// caller's gradient recording mode. The results do not depend on the thread count.
    public static func concurrently(_ first: () -> Void, _ second: () -> Void) {
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                var job = Job(first: first, second: second, recording: GradientMode.isRecording)
                withUnsafeMutablePointer(to: &job) { pointer in
                    ascent_parallel_for(2, { context, index in
                        let job = context!.assumingMemoryBound(to: Job.self)
                        let previous = GradientMode.isRecording
                        GradientMode.setRecording(job.pointee.recording)
                        if index == 0 { job.pointee.first() } else { job.pointee.second() }
                        GradientMode.setRecording(previous)
                    }, pointer)
                }
            }
        }
    }

    private struct Job {
        let first: () -> Void, second: () -> Void
        let recording: Bool
    }
}
