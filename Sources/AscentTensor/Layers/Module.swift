/// A neural-network component holding parameters and sub-modules.
///
/// Parameters are discovered by reflection over stored properties, so a module
/// only declares them:
///
/// ```swift
/// final class Critic: Module {
///     let body = MLP(sizes: [3, 64, 64, 1], activation: .tanh)
/// }
/// ```
///
/// Names are dotted paths of property labels and array indices
/// (`body.layers.0.weight`), stable across runs, so optimisers, gradient
/// clipping, checkpoints and all-reduce can walk them in a fixed order.
public protocol Module: AnyObject {}

extension Module {
    /// Every parameter with its dotted name, in declaration order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        collectParameters(of: self, prefix: "", into: &result)
        return result
    }

    /// Every parameter, in declaration order.
    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// The parameters an optimiser should update: all but the frozen ones.
    public func trainableParameters() -> [(name: String, parameter: Parameter)] { namedParameters().filter { !$0.parameter.isFrozen } }

    /// Total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Clears the gradients of every parameter.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// The parameter values by name, for checkpoints.
    public func stateDictionary(prefix: String = "") -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters().map { (prefix + $0.name, $0.parameter.value.detached()) })
    }

    /// Loads parameter values by name. Every parameter must be present with its exact shape;
    /// names under `prefix` that match no parameter are reported as unexpected.
    public func load(stateDictionary tensors: [String: Tensor], prefix: String = "") throws(CheckpointError) {
        let named = namedParameters()
        let expected = Set(named.map { prefix + $0.name })
        let missing = expected.subtracting(tensors.keys).sorted()
        let unexpected = tensors.keys.filter { $0.hasPrefix(prefix) && !expected.contains($0) }.sorted()
        guard missing.isEmpty, unexpected.isEmpty else {
            throw .nameMismatch(missing: missing, unexpected: unexpected)
        }
        for (name, parameter) in named {
            let tensor = tensors[prefix + name]!
            guard tensor.shape == parameter.shape else {
                throw .shapeMismatch(name: prefix + name, expected: parameter.shape, found: tensor.shape)
            }
        }
        for (name, parameter) in named { parameter.assign(tensors[prefix + name]!) }
    }
}

private func collectParameters(of value: Any, prefix: String, into result: inout [(String, Parameter)]) {
    var mirror: Mirror? = Mirror(reflecting: value)
    var children: [(String, Any)] = []
    // Superclass properties first, so subclassing keeps earlier names stable.
    var chain: [Mirror] = []
    while let current = mirror { chain.append(current); mirror = current.superclassMirror }
    for level in chain.reversed() {
        for (offset, child) in level.children.enumerated() {
            children.append((child.label ?? String(offset), child.value))
        }
    }
    for (label, child) in children {
        let name = prefix.isEmpty ? label : prefix + "." + label
        switch child {
        case let parameter as Parameter:
            result.append((name, parameter))
        case let module as Module:
            collectParameters(of: module, prefix: name, into: &result)
        case let parameters as [Parameter]:
            for (i, parameter) in parameters.enumerated() { result.append((name + ".\(i)", parameter)) }
        case let modules as [Module]:
            for (i, module) in modules.enumerated() { collectParameters(of: module, prefix: name + ".\(i)", into: &result) }
        case let optional as Module?:
            if let module = optional { collectParameters(of: module, prefix: name, into: &result) }
        case let optional as Parameter?:
            if let parameter = optional { result.append((name, parameter)) }
        default:
            continue
        }
    }
}
