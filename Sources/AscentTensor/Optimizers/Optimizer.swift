/// Updates a fixed, named list of parameters from their accumulated gradients.
///
/// Optimisers keep per-parameter state (moments, momentum buffers) keyed by the
/// parameter's dotted name, so ``state()`` can be saved in a checkpoint and
/// restored with ``loadState(_:)``. A parameter without a gradient is skipped,
/// as in PyTorch.
public protocol Optimizer: AnyObject {
    /// The parameters being optimised, with their names.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// The step size used by the next ``step()``; schedules set it between steps.
    var learningRate: Float { get set }
    /// Applies one update using the current gradients.
    func step()
    /// Per-parameter state tensors and scalar counters, by name.
    func state() -> OptimizerState
    /// Restores what ``state()`` returned; throws on names or shapes that do not match.
    func loadState(_ state: OptimizerState) throws(CheckpointError)
}

extension Optimizer {
    /// Clears the gradients of every optimised parameter.
    public func zeroGradients() { for (_, p) in parameters { p.zeroGradient() } }
}

/// An optimiser's saved state: tensors (e.g. `exp_avg.actor.layers.0.weight`) and scalars (e.g. `step`).
public struct OptimizerState: Sendable {
    public var tensors: [String: Tensor]
    public var scalars: [String: Double]

    public init(tensors: [String: Tensor] = [:], scalars: [String: Double] = [:]) {
        self.tensors = tensors
        self.scalars = scalars
    }
}

/// Per-parameter state buffers of one kind (first moments, say), created zeroed.
struct SlotBuffers {
    let kind: String
    let buffers: [TensorStorage]

    init(kind: String, for parameters: [(name: String, parameter: Parameter)]) {
        self.kind = kind
        buffers = parameters.map { TensorStorage(repeating: 0, count: $0.parameter.count) }
    }

    subscript(index: Int) -> UnsafeMutablePointer<Float> { buffers[index].pointer }

    func save(into state: inout OptimizerState, names: [(name: String, parameter: Parameter)]) {
        for (i, entry) in names.enumerated() {
            state.tensors["\(kind).\(entry.name)"] = Tensor(shape: entry.parameter.shape, storage: buffers[i].copy())
        }
    }

    func load(from state: OptimizerState, names: [(name: String, parameter: Parameter)]) throws(CheckpointError) {
        for (i, entry) in names.enumerated() {
            let key = "\(kind).\(entry.name)"
            guard let tensor = state.tensors[key] else { throw .nameMismatch(missing: [key], unexpected: []) }
            guard tensor.shape == entry.parameter.shape else {
                throw .shapeMismatch(name: key, expected: entry.parameter.shape, found: tensor.shape)
            }
            buffers[i].pointer.update(from: tensor.storage.pointer, count: tensor.count)
        }
    }
}

func validateHyperparameter(_ value: Float, _ name: String, _ optimizer: String, allowZero: Bool = true) {
    precondition(value.isFinite && (allowZero ? value >= 0 : value > 0),
                 "\(optimizer): \(name) must be a finite \(allowZero ? "non-negative" : "positive") number, got \(value)")
}
