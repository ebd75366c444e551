import AscentKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A contiguous buffer of `Float`s owned by one or more tensors: one heap block holding a
/// small header and the elements (16-byte aligned, like malloc; the kernels need no more).
///
/// One allocation rather than an object plus a separate buffer halves the allocator work
/// of every operation, which is most of the cost of an op on the small tensors of RL.
///
/// Tensors are values: operations never write into a storage that another tensor
/// can see, except optimisers, which update a parameter's storage in place (as
/// PyTorch's `optimizer.step()` does).
public struct TensorStorage: @unchecked Sendable {
    /// The element count, padded so the elements start 32 bytes into the object.
    struct Header {
        let count: Int
        let padding = 0
    }

    final class Block: ManagedBuffer<Header, Float> {}

    private let block: Block

    /// The first element; valid while this storage (or a copy of it) is alive.
    public var pointer: UnsafeMutablePointer<Float> {
        @inline(__always) get { block.withUnsafeMutablePointerToElements { $0 } }
    }

    public var count: Int {
        // Through the pointer: `header` is a class property, so reading it directly would
        // cost a dynamic exclusivity check on every access.
        @inline(__always) get { block.withUnsafeMutablePointerToHeader { $0.pointee.count } }
    }

    /// Uninitialised storage; callers must write every element before reading.
    init(uninitializedCount count: Int) {
        _ = TensorStorage.allocatorTuned
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        let buffer = Block.create(minimumCapacity: Swift.max(count, 1)) { _ in Header(count: count) }
        block = unsafeDowncast(buffer, to: Block.self)
    }

    init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: value, count: count)
    }

    init<C: Collection>(copying values: C) where C.Element == Float {
        self.init(uninitializedCount: values.count)
        _ = UnsafeMutableBufferPointer(start: pointer, count: count).initialize(from: values)
    }

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
