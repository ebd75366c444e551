import AscentKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A contiguous buffer of `Float`s (malloc-aligned; the kernels need no more) owned by one or more tensors.
///
/// Tensors are values: operations never write into a storage that another tensor
/// can see, except optimisers, which update a parameter's storage in place (as
/// PyTorch's `optimizer.step()` does).
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Uninitialised storage; callers must write every element before reading.
    init(uninitializedCount count: Int) {
        _ = TensorStorage.allocatorTuned
        self.count = count
        guard let raw = malloc(max(count, 1) * MemoryLayout<Float>.stride) else {
            fatalError("Ascent: out of memory allocating \(count) floats")
        }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: value, count: count)
    }

    convenience init<C: Collection>(copying values: C) where C.Element == Float {
        self.init(uninitializedCount: values.count)
        _ = UnsafeMutableBufferPointer(start: pointer, count: count).initialize(from: values)
    }

    deinit { free(pointer) }

    /// glibc returns buffers above its mmap threshold (128 KiB at first) to the kernel on
    /// every free, so a training step that allocates the same large activations each time
    /// page-faults them in afresh (15 % of a transformer step here). Keeping blocks up to 32 MiB
    /// blocks in the heap lets them be reused, as PyTorch's caching allocator does. Once per
    /// process, before the first tensor.
    private static let allocatorTuned: Bool = {
        ascent_tune_allocator()
        return true
    }()

    var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    func copy() -> TensorStorage {
        let result = TensorStorage(uninitializedCount: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }
}
