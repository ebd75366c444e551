/// A trainable tensor: a leaf of the gradient graph whose values an optimiser updates in place.
public final class Parameter: @unchecked Sendable {
    /// The current values; use it in computations like any tensor.
    public private(set) var value: Tensor

    public init(_ initial: Tensor) {
        value = initial.detached().copied().requiringGradient()
    }

    /// A parameter whose values are not yet written, for a model about to load its weights:
    /// the memory is only reserved (the kernel maps pages when first written), so building a
    /// large model to load costs no time. Call ``adopt(_:)`` or ``assign(_:)`` before use.
    package init(uninitializedShape shape: [Int]) {
        value = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: shape.reduce(1, *)), node: nil).requiringGradient()
    }

    /// Takes `newValue`'s storage as the values (same shape) without copying: for loading,
    /// where the tensor was decoded for this parameter alone and nothing else holds it.
    package func adopt(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape, "Parameter.adopt: shape \(newValue.shape) does not match \(value.shape)")
        value = newValue.detached().requiringGradient()
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }

    /// The gradient accumulated since the last ``zeroGradient()``, or `nil` if none.
    public var gradient: Tensor? { value.gradient }

    /// Clears the accumulated gradient (its buffer is kept for the next one).
    public func zeroGradient() { value.node?.clearGradient() }

    /// A frozen parameter takes part in computations but gets no gradient (the tape does not
    /// compute one) and is left out of ``Module/trainableParameters()``, as PyTorch's
    /// `requires_grad = False`: the base weights under LoRA adapters.
    public var isFrozen: Bool { value.node == nil }

    /// Stops (or resumes) training this parameter; its values are kept.
    public func setFrozen(_ frozen: Bool) {
        guard frozen != isFrozen else { return }
        value = frozen ? value.detached() : value.requiringGradient()
    }

    /// Replaces the values (same shape), e.g. when loading a checkpoint.
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape, "Parameter.assign: shape \(newValue.shape) does not match \(value.shape)")
        value.storage.pointer.update(from: newValue.storage.pointer, count: count)
    }

    /// Mutable views for optimisers: the values and the gradient buffer (created zeroed if absent).
    var valuePointer: UnsafeMutablePointer<Float> { value.storage.pointer }
    var gradientPointer: UnsafeMutablePointer<Float>? { value.node?.grad?.pointer }
}

extension Tensor {
    /// A copy with its own storage.
    public func copied() -> Tensor { Tensor(shape: shape, storage: storage.copy(), node: nil) }
}
