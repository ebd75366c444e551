import AscentRL
import AscentTensor
import Foundation

/// How a caller drives a stage's training loop: a checkpoint to continue from, how often to
/// save one, and when to stop (Ctrl-C).
public struct StageControl {
    /// A checkpoint the same stage saved earlier; the loop continues from it.
    public var resumeFrom: SafeTensors?
    /// Save a checkpoint after every this many steps (batches; PPO and GRPO rounds; sampled
    /// preference pairs); 0 saves only when stopped.
    public var checkpointEvery: Int
    /// Where checkpoints go (the CLI writes `checkpoints/<stage>.safetensors` atomically).
    public var save: (SafeTensors) throws -> Void
    /// Polled after every step: true saves a checkpoint and stops with ``StageStopped``.
    public var stopRequested: () -> Bool

    public init(resumeFrom: SafeTensors? = nil, checkpointEvery: Int = 0, save: @escaping (SafeTensors) throws -> Void = { _ in },
                stopRequested: @escaping () -> Bool = { false }) {
        (self.resumeFrom, self.checkpointEvery, self.save, self.stopRequested) = (resumeFrom, checkpointEvery, save, stopRequested)
    }

    /// Runs to the end, saving nothing.
    public static var uninterrupted: StageControl { StageControl() }
}

/// A stage stopped on request after saving its checkpoint, with `step` of its steps done.
public struct StageStopped: Error, CustomStringConvertible {
    public let stage: String
    public let step: Int
    public var description: String { "\(stage) stopped after step \(step); its checkpoint is saved" }
}

/// A training loop whose every step can be the last before a checkpoint. What it trains
/// (`modules`), its optimisers and its Codable `state` (random streams, position in the data,
/// counters, history) are everything the next step reads, so a restored loop continues
/// bit-identically: N steps in one go equal N/2, checkpoint, restore, N/2 more.
protocol ResumableLoop: AnyObject {
    associatedtype State: Codable
    /// The stage's name (`pretrain`, `sft`, `preferences`, `reward`, `ppo`, `grpo`, `dpo`).
    var stage: String { get }
    /// What a checkpoint must have been made with to be resumed here: settings and data
    /// fingerprints as strings, compared key by key.
    var identity: [String: String] { get }
    var modules: [String: Module] { get }
    var optimizers: [String: Optimizer] { get }
    var state: State { get set }
    var stepsDone: Int { get }
    var isFinished: Bool { get }
    func step() throws
}

extension ResumableLoop {
    var format: String { "ascent-rlhf-\(stage)" }

    /// The loop as it stands: parameters under `<module>.`, optimiser moments under
    /// `optimizer.<name>.`, the state and identity in the metadata.
    func checkpoint() -> SafeTensors {
        var writer = CheckpointWriter(format: format)
        for (name, module) in modules { writer.add(module, prefix: name + ".") }
        for (name, optimizer) in optimizers { writer.add(optimizer, prefix: "optimizer.\(name).") }
        writer.set("state", state)
        writer.set("steps_done", stepsDone)
        writer.add(tensors: [:], metadata: identity.mapKeys { "identity." + $0 })
        return writer.file
    }

    /// Continues from `file`, refusing a checkpoint of another stage or made with other settings or data.
    func restore(from file: SafeTensors) throws {
        let reader = try CheckpointReader(file, format: format, what: "RLHF \(stage)")
        for (key, value) in identity.sorted(by: { $0.key < $1.key }) {
            let saved = file.metadata["identity." + key] ?? "none"
            guard saved != value else { continue }
            throw RLHFError.invalidInput("the \(stage) checkpoint does not match this run's \(key) (\(differences(saved, value))); resume with the options and files it was started with, or run the stage again without --resume")
        }
        for (name, module) in modules { try reader.load(module, prefix: name + ".") }
        for (name, optimizer) in optimizers { try reader.load(optimizer, prefix: "optimizer.\(name).") }
        state = try reader.field("state")
    }

    /// Steps to the end under `control`; `afterStep` sees every step and returns false to
    /// finish early. Throws ``StageStopped`` after saving when `control` asks to stop.
    func run(_ control: StageControl, afterStep: () throws -> Bool = { true }) throws {
        if let file = control.resumeFrom { try restore(from: file) }
        while !isFinished {
            try step()
            guard try afterStep(), !isFinished else { return }
            if control.stopRequested() {
                try control.save(checkpoint())
                throw StageStopped(stage: stage, step: stepsDone)
            }
            if control.checkpointEvery > 0, stepsDone % control.checkpointEvery == 0 { try control.save(checkpoint()) }
        }
    }
}

/// The top-level fields in which two JSON objects differ ("learningRate: 0.003 → 0.006"), or
/// both values when they are not objects (digests).
private func differences(_ saved: String, _ current: String) -> String {
    func object(_ text: String) -> [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
    guard let a = object(saved), let b = object(current) else { return "\(saved) saved, \(current) now" }
    func text(_ value: Any?) -> String { value.map { "\($0)" } ?? "none" }
    let fields = Set(a.keys).union(b.keys).sorted().filter { text(a[$0]) != text(b[$0]) }
    return fields.map { "\($0): \(text(a[$0])) saved, \(text(b[$0])) now" }.joined(separator: "; ")
}

extension Dictionary {
    fileprivate func mapKeys(_ transform: (Key) -> Key) -> [Key: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}

/// A 64-bit FNV-1a digest of the data and models a loop depends on, so a checkpoint is not
/// resumed against a changed corpus, preference file or reference model.
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    private mutating func mix(_ word: UInt64) {
        value = (value ^ word) &* 0x100_0000_01b3
    }

    mutating func add(_ integers: [Int]) {
        mix(UInt64(integers.count))
        for i in integers { mix(UInt64(bitPattern: Int64(i))) }
    }

    mutating func add(_ text: String) { add(text.utf8.map(Int.init)) }

    mutating func add(_ module: Module) {
        for (name, parameter) in module.namedParameters() {
            add(name)
            parameter.value.withUnsafeBufferPointer { values in
                for x in values { mix(UInt64(x.bitPattern)) }
            }
        }
    }

    var hex: String { String(value, radix: 16) }
}

/// JSON of a settings value, for a loop's identity.
func identityJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
}
