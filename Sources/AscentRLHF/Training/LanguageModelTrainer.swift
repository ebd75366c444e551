import AscentTensor
import Dispatch
import Foundation

/// Next-token training of a GPT on token sequences: pre-training (every position) and
/// supervised fine-tuning (response positions only). AdamW with linear warm-up and cosine
/// decay, gradient-norm clipping at 1, shuffled minibatches from a seeded stream.
public struct LanguageModelTraining: Codable, Sendable, Equatable {
    public var steps = 600
    public var batchSize = 32
    public var learningRate: Float = 3e-3
    public var warmupSteps = 30
    public var weightDecay: Float = 0.01
    public var maxGradientNorm: Float = 1
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard steps > 0, batchSize > 0, warmupSteps >= 0 else { throw RLHFError.invalidInput("steps and batchSize must be positive, warmupSteps non-negative") }
        guard learningRate.isFinite, learningRate > 0, weightDecay.isFinite, weightDecay >= 0, maxGradientNorm.isFinite, maxGradientNorm > 0 else {
            throw RLHFError.invalidInput("learningRate and maxGradientNorm must be positive, weightDecay non-negative")
        }
    }
}

/// One logged training step.
public struct LanguageModelStep: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double
    public var learningRate: Double
    public var tokensPerSecond: Double
}

extension GPT {
    /// Trains on `sequences` (at least one must have a trained position); `callback` sees every
    /// step and returns false to stop. `stage` names the checkpoints `control` saves and resumes
    /// (`pretrain`, `sft`). Returns the steps' records, those before a resume included.
    @discardableResult
    public func train(on sequences: [TokenSequence], settings: LanguageModelTraining, padding: Int, stage: String = "pretrain",
                      control: StageControl = .uninterrupted,
                      callback: (LanguageModelStep) throws -> Bool = { _ in true }) throws -> [LanguageModelStep] {
        let loop = try LanguageModelLoop(stage: stage, model: self, sequences: sequences, settings: settings, padding: padding)
        try loop.run(control) { try callback(loop.state.records.last!) }
        return loop.state.records
    }
}

/// Next-token training as a resumable loop: one step is one minibatch.
final class LanguageModelLoop: ResumableLoop {
    struct State: Codable {
        var batches: ShuffledBatches
        var records: [LanguageModelStep] = []
    }

    let stage: String
    let model: GPT
    let sequences: [TokenSequence]
    let settings: LanguageModelTraining
    let padding: Int
    let optimizer: Adam
    let parameters: [Parameter]
    let schedule: LearningRateSchedule
    var state: State

    init(stage: String, model: GPT, sequences: [TokenSequence], settings: LanguageModelTraining, padding: Int) throws {
        try settings.validate()
        guard sequences.contains(where: { $0.tokens.count > 1 && $0.trained.dropLast().contains(true) }) else {
            throw RLHFError.invalidInput("no sequence has a position to train on (sequences need at least two tokens)")
        }
        (self.stage, self.model, self.sequences, self.settings, self.padding) = (stage, model, sequences, settings, padding)
        optimizer = Adam.adamW(model.trainableParameters(), learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        parameters = model.parameters
        schedule = .warmup(steps: settings.warmupSteps, then: .cosine(peak: settings.learningRate, minimum: settings.learningRate / 10, steps: settings.steps))
        state = State(batches: ShuffledBatches(count: sequences.count, generator: RandomGenerator(seed: settings.seed, stream: "lm-batches")))
    }

    private(set) lazy var identity: [String: String] = {
        var data = Fingerprint()
        for sequence in sequences {
            data.add(sequence.tokens)
            data.add(sequence.trained.map { $0 ? 1 : 0 })
        }
        return ["settings": identityJSON(settings), "data": data.hex, "model": identityJSON(model.configuration)]
    }()
    var modules: [String: Module] { ["model": model] }
    var optimizers: [String: Optimizer] { ["model": optimizer] }
    var stepsDone: Int { state.records.count }
    var isFinished: Bool { stepsDone >= settings.steps }

    func step() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let chosen = state.batches.next(settings.batchSize, acrossEpochs: true).map { sequences[$0] }
        let batch = TokenBatch(chosen, contextLength: model.configuration.contextLength, padding: padding)
        optimizer.learningRate = schedule.value(atStep: stepsDone)
        optimizer.zeroGradients()
        let loss = model(batch.inputs).crossEntropy(targets: batch.targets, mask: batch.mask)
        loss.backward()
        guard loss.item.isFinite else { throw RLHFError.invalidInput("the language-model loss became NaN or infinite at step \(stepsDone); lower the learning rate") }
        _ = clipGradientNorm(parameters, maxNorm: settings.maxGradientNorm)
        optimizer.step()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        state.records.append(LanguageModelStep(step: stepsDone + 1, loss: Double(loss.item), learningRate: Double(optimizer.learningRate),
                                               tokensPerSecond: Double(batch.lengths.reduce(0, +)) / seconds))
    }
}
