import ArgumentParser
import AscentRL
import AscentTensor
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a run's deterministic policy for deployment: ONNX or safetensors, plus a JSON contract.",
        discussion: """
            The model maps a raw observation to the action the environment receives, with the observation \\
            normalisation, tanh squashing and action rescaling inside (input `observation` float32 [batch, n]; \\
            output `action` float32 [batch, a], or int64 [batch, 1] for discrete actions). The contract \\
            (<out>.json) lists the spaces, the normalisation statistics, the Ascent version and sample \\
            observations with the actions Ascent computes for them. docs/export.md shows how to load both.
            """)

    @Argument(help: "Run directory.") var directory: String
    @Option(help: "onnx or safetensors.") var format = "onnx"
    @Option(help: "Which checkpoint: latest, best (from --eval-every) or step-<N>.") var checkpoint = "latest"
    @Option(help: "Output path, with or without the extension (default: <directory>/policy).") var out: String?

    func validate() throws {
        guard ["onnx", "safetensors"].contains(format) else { throw ValidationError("--format must be onnx or safetensors, got '\(format)'") }
        guard checkpoint == "latest" || checkpoint == "best" || checkpoint.hasPrefix("step-") else {
            throw ValidationError("--checkpoint must be latest, best or step-<N>, got '\(checkpoint)'")
        }
    }

    func run() throws {
        let directory = try cliErrors { try RunDirectory.open(at: self.directory) }
        let file = directory.checkpointsURL.appendingPathComponent("\(checkpoint).safetensors")
        guard FileManager.default.fileExists(atPath: file.path) else {
            let saved = ((try? FileManager.default.contentsOfDirectory(atPath: directory.checkpointsURL.path)) ?? [])
                .filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(12)) }.sorted()
            throw CLIError("\(file.path) does not exist; this run has \(saved.joined(separator: ", "))")
        }
        let restored = try cliErrors { try TrainingAlgorithms.restore(try SafeTensors.read(from: file), algorithm: try directory.algorithm()) }
        guard let run = restored as? any ConfigurableRun else { throw CLIError("this run's algorithm cannot be exported") }
        try export(run)
    }

    private func export<Run: ConfigurableRun>(_ run: Run) throws {
        var prefix = out ?? URL(fileURLWithPath: directory).appendingPathComponent("policy").path
        // `--out model.onnx` means model.onnx (and model.json), not model.onnx.onnx.
        if prefix.hasSuffix("." + format) { prefix.removeLast(format.count + 1) }
        try cliErrors {
            let policy = try run.exportedPolicy()
            let contract = try PolicyContract.json(for: run, policy: policy, format: format)
            let model: Data = format == "onnx"
                ? Data(try ONNXModel.serialize(policy, producerVersion: AscentVersion.string))
                : PolicyContract.safeTensors(policy, contract: contract).encoded()
            try AtomicFile.write(model, to: URL(fileURLWithPath: prefix + "." + format))
            try AtomicFile.write(contract, to: URL(fileURLWithPath: prefix + ".json"))
        }
        print("wrote \(prefix).\(format) and \(prefix).json (\(Run.algorithm) policy at step \(run.globalStep))")
    }
}
