import AscentTensor
import Foundation

/// The JSON that travels with an exported policy: what goes in and comes out, the
/// normalisation statistics, where it came from, and sample observations with the actions
/// Ascent computes for them, so any runtime can check it reproduces the policy.
public enum PolicyContract {
    public static func json<Run: ConfigurableRun>(for run: Run, policy: ExportedPolicy, format: String, samples: Int = 16) throws -> Data {
        let pairs = try run.policySamples(count: samples)
        var action: [String: Any]
        switch policy.output {
        case .clipped(let low, let high), .scaled(let low, let high):
            action = ["kind": "box", "low": low.map(Double.init), "high": high.map(Double.init), "dtype": "float32"]
        case .argmax:
            action = ["kind": "discrete", "dtype": "int64"]
        }
        action["shape"] = ["batch", policy.actionSize]
        let contract: [String: Any] = [
            "format": format,
            "ascentVersion": AscentVersion.string,
            "algorithm": Run.algorithm,
            "environment": run.environmentID,
            "global_step": run.globalStep,
            "input": ["name": "observation", "dtype": "float32", "shape": ["batch", policy.observationSize] as [Any],
                      "meaning": "the raw observation, as the environment returns it"],
            "output": action.merging(["name": "action", "meaning": "the deterministic action the environment receives"]) { $1 },
            "normalization": policy.normalization.map { ["mean": $0.mean, "scale": $0.scale, "clip": $0.clip,
                                                          "formula": "clip((observation - mean) * scale, -clip, clip)"] as [String: Any] } ?? NSNull(),
            "samples": pairs.map { ["observation": $0.observation.map(Double.init), "action": $0.action.map(Double.init)] },
        ]
        return try JSONSerialization.data(withJSONObject: contract, options: [.prettyPrinted, .sortedKeys])
    }

    /// The policy's tensors for a safetensors export: `layers.N.weight` `[out, in]`,
    /// `layers.N.bias`, and `observation_mean`/`observation_scale` when it normalises; the
    /// activations and output mapping are in the metadata (and the contract).
    public static func safeTensors(_ policy: ExportedPolicy, contract: Data) -> SafeTensors {
        var tensors: [String: Tensor] = [:]
        for (index, layer) in policy.layers.enumerated() {
            tensors["layers.\(index).weight"] = layer.weight
            if let bias = layer.bias { tensors["layers.\(index).bias"] = bias }
        }
        if let (mean, scale, _) = policy.normalization {
            tensors["observation_mean"] = Tensor(shape: [mean.count], mean.map { Float($0) })
            tensors["observation_scale"] = Tensor(shape: [scale.count], scale.map { Float($0) })
        }
        let output: String
        switch policy.output {
        case .clipped: output = "clip"
        case .scaled: output = "scale"
        case .argmax(let logSoftmax): output = logSoftmax ? "argmax_log_softmax" : "argmax"
        }
        var file = SafeTensors(tensors: tensors)
        file.metadata = ["activations": policy.layers.map(\.activation.rawValue).joined(separator: ","), "output": output,
                         "contract": String(decoding: contract, as: UTF8.self)]
        return file
    }
}
