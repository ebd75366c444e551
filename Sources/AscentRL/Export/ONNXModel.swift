import AscentTensor

/// An ``ExportedPolicy`` as an ONNX model (opset 17, IR version 8), written with the same
/// hand-rolled protobuf writer as TensorBoard's events (docs/design.md says why).
///
/// Input `observation`: float32 `[batch, observations]`, raw as the environment returns it.
/// Output `action`: float32 `[batch, actions]` as the environment receives it, or int64
/// `[batch, 1]` indices for discrete actions. The graph is Sub/Mul/Clip for the
/// normalisation, Gemm plus Tanh/Relu/Sigmoid per layer, then Max/Min (clipping),
/// Add/Mul (scaling onto the bounds) or LogSoftmax/ArgMax, in the order Ascent computes them.
public enum ONNXModel {
    public static let opset = 17

    public static func serialize(_ policy: ExportedPolicy, producerVersion: String) throws -> [UInt8] {
        var graph = GraphBuilder()
        var h = "observation"
        if let (mean, scale, clip) = policy.normalization {
            h = graph.node("Sub", [h, graph.constant("observation_mean", mean.map { Float($0) })])
            h = graph.node("Mul", [h, graph.constant("observation_scale", scale.map { Float($0) })])
            h = graph.node("Clip", [h, graph.constant("clip_low", [Float(-clip)], shape: []), graph.constant("clip_high", [Float(clip)], shape: [])])
        }
        for (index, layer) in policy.layers.enumerated() {
            var inputs = [h, graph.constant("layers.\(index).weight", layer.weight.scalars, shape: layer.weight.shape)]
            if let bias = layer.bias { inputs.append(graph.constant("layers.\(index).bias", bias.scalars, shape: bias.shape)) }
            h = graph.node("Gemm", inputs, attributes: [.integer("transB", 1)])
            switch layer.activation {
            case .identity: break
            case .tanh: h = graph.node("Tanh", [h])
            case .relu: h = graph.node("Relu", [h])
            case .sigmoid: h = graph.node("Sigmoid", [h])
            case .gelu:
                throw RLError.invalidHyperparameter(name: "activation", value: "gelu",
                                                    expected: "must be tanh, relu or sigmoid to export to ONNX (opset 17 has no GELU)")
            }
        }
        var isIndex = false
        switch policy.output {
        case .clipped(let low, let high):
            h = graph.node("Max", [h, graph.constant("action_low", low)])
            h = graph.node("Min", [h, graph.constant("action_high", high)])
        case .scaled(let low, let high):
            // low + (u + 1) · 0.5 · (high − low), each operation in float32 as Ascent does it.
            h = graph.node("Add", [h, graph.constant("one", [1], shape: [])])
            h = graph.node("Mul", [h, graph.constant("half", [0.5], shape: [])])
            h = graph.node("Mul", [h, graph.constant("action_range", zip(low, high).map { $1 - $0 })])
            h = graph.node("Add", [h, graph.constant("action_low", low)])
        case .argmax(let logSoftmax):
            if logSoftmax { h = graph.node("LogSoftmax", [h], attributes: [.integer("axis", 1)]) }
            h = graph.node("ArgMax", [h], attributes: [.integer("axis", 1), .integer("keepdims", 1)])
            isIndex = true
        }
        graph.nodes[graph.nodes.count - 1].output = "action"

        var model = ProtobufWriter()
        model.varint(field: 1, 8)  // ir_version
        model.string(field: 2, "ascent")
        model.string(field: 3, producerVersion)
        model.message(field: 7) { g in
            for node in graph.nodes { g.message(field: 1) { node.encode(into: &$0) } }
            g.string(field: 2, "ascent_policy")
            for initializer in graph.initializers { g.bytes(field: 5, initializer) }
            g.message(field: 11) { valueInfo(&$0, name: "observation", elementType: 1, width: policy.observationSize) }
            g.message(field: 12) { valueInfo(&$0, name: "action", elementType: isIndex ? 7 : 1, width: policy.actionSize) }
        }
        model.message(field: 8) { $0.varint(field: 2, UInt64(opset)) }  // opset_import: default domain
        return model.bytes
    }

    /// ValueInfoProto of a `[batch, width]` tensor (elem_type 1: float32, 7: int64).
    private static func valueInfo(_ info: inout ProtobufWriter, name: String, elementType: UInt64, width: Int) {
        info.string(field: 1, name)
        info.message(field: 2) { type in
            type.message(field: 1) { tensor in
                tensor.varint(field: 1, elementType)
                tensor.message(field: 2) { shape in
                    shape.message(field: 1) { $0.string(field: 2, "batch") }
                    shape.message(field: 1) { $0.varint(field: 1, UInt64(width)) }
                }
            }
        }
    }
}

/// Nodes and float32 initializers of a graph under construction, each output named uniquely.
private struct GraphBuilder {
    struct Node {
        let op: String
        let inputs: [String]
        var output: String
        let attributes: [Attribute]

        func encode(into node: inout ProtobufWriter) {
            for input in inputs { node.string(field: 1, input) }
            node.string(field: 2, output)
            node.string(field: 3, output)
            node.string(field: 4, op)
            for attribute in attributes { node.message(field: 5) { attribute.encode(into: &$0) } }
        }
    }

    enum Attribute {
        case integer(String, Int)

        func encode(into attribute: inout ProtobufWriter) {
            switch self {
            case .integer(let name, let value):
                attribute.string(field: 1, name)
                attribute.varint(field: 3, UInt64(bitPattern: Int64(value)))
                attribute.varint(field: 20, 2)  // AttributeType INT
            }
        }
    }

    var nodes: [Node] = []
    var initializers: [[UInt8]] = []

    /// A float32 initializer (shape `[values.count]` unless given); returns its name.
    mutating func constant(_ name: String, _ values: [Float], shape: [Int]? = nil) -> String {
        var tensor = ProtobufWriter()
        tensor.packed(field: 1, shape ?? [values.count])
        tensor.varint(field: 2, 1)  // FLOAT
        tensor.string(field: 8, name)
        tensor.bytes(field: 9, values.flatMap { littleEndianBytes($0.bitPattern) })
        initializers.append(tensor.bytes)
        return name
    }

    /// Appends a node; returns the name of its output.
    mutating func node(_ op: String, _ inputs: [String], attributes: [Attribute] = []) -> String {
        let output = "\(op.lowercased())_\(nodes.count)"
        nodes.append(Node(op: op, inputs: inputs, output: output, attributes: attributes))
        return output
    }
}
