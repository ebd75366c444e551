#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-thread switch that turns graph recording off, for inference.
///
/// Inside ``withoutGradients(_:)`` operations produce plain tensors even when
/// their inputs require gradients: no nodes, no saved activations, one
/// allocation per operation. Environment steps and evaluation run this way.
public enum GradientMode {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Whether operations on this thread currently record the graph.
    public static var isRecording: Bool { pthread_getspecific(key) == nil }

    static func setRecording(_ recording: Bool) {
        pthread_setspecific(key, recording ? nil : UnsafeRawPointer(bitPattern: 1))
    }
}

/// Runs `body` with gradient recording off on this thread (PyTorch's `torch.no_grad()`).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    let previous = GradientMode.isRecording
    GradientMode.setRecording(false)
    defer { GradientMode.setRecording(previous) }
    return try body()
}
