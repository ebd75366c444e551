import ArgumentParser
import AscentTensor
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a safetensors checkpoint and list its tensors and metadata.",
        discussion: "Reads any safetensors file (F32, F16, BF16 or F64). A corrupt file gets a message saying exactly what is wrong."
    )

    @Argument(help: "Path to a .safetensors file.") var file: String
    @Flag(help: "Print a JSON object instead of a table.") var json = false

    func run() throws {
        let checkpoint: SafeTensors
        do {
            checkpoint = try SafeTensors.read(from: URL(fileURLWithPath: file))
        } catch {
            throw CLIError(error.description)
        }
        let names = checkpoint.tensors.keys.sorted()
        if json {
            let data = try Self.json(checkpoint)
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for (key, value) in checkpoint.metadata.sorted(by: { $0.key < $1.key }) { print("\(key): \(value)") }
        for name in names {
            let t = checkpoint.tensors[name]!
            print("\(name)  \(t.shape)  sum \(t.scalars.reduce(0, +))")
        }
        print("\(names.count) tensors, \(checkpoint.tensors.values.reduce(0) { $0 + $1.count }) values")
    }

    /// The `--json` form: metadata, and each tensor's name, shape, sum and count of values
    /// that are not finite. JSON has no NaN or infinity, so such a sum is the string "nan",
    /// "inf" or "-inf".
    static func json(_ checkpoint: SafeTensors) throws -> Data {
        let tensors = checkpoint.tensors.keys.sorted().map { name -> [String: Any] in
            let t = checkpoint.tensors[name]!
            let sum = Double(t.scalars.reduce(0, +))
            return ["name": name, "shape": t.shape, "sum": sum.isFinite ? sum : "\(sum)" as Any,
                    "non_finite_values": t.scalars.filter { !$0.isFinite }.count]
        }
        let object: [String: Any] = ["metadata": checkpoint.metadata, "tensors": tensors]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
