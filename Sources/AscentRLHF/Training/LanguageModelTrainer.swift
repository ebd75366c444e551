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
    /// step and returns false to stop. Returns the steps' records.
    @discardableResult
    public func train(on sequences: [TokenSequence], settings: LanguageModelTraining, padding: Int,
                      callback: (LanguageModelStep) throws -> Bool = { _ in true }) throws -> [LanguageModelStep] {
        try settings.validate()
        guard sequences.contains(where: { $0.tokens.count > 1 && $0.trained.dropLast().contains(true) }) else {
            throw RLHFError.invalidInput("no sequence has a position to train on (sequences need at least two tokens)")
        }
        let optimizer = Adam.adamW(namedParameters(), learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        let schedule = LearningRateSchedule.warmup(steps: settings.warmupSteps,
                                                   then: .cosine(peak: settings.learningRate, minimum: settings.learningRate / 10, steps: settings.steps))
        let parameters = self.parameters
        var generator = RandomGenerator(seed: settings.seed, stream: "lm-batches")
        var order: [Int] = [], cursor = 0
        var records: [LanguageModelStep] = []
        for step in 0..<settings.steps {
            let start = DispatchTime.now().uptimeNanoseconds
            var chosen: [TokenSequence] = []
            while chosen.count < settings.batchSize {
                if cursor == order.count { order = generator.permutation(sequences.count); cursor = 0 }
                chosen.append(sequences[order[cursor]])
                cursor += 1
            }
            let batch = TokenBatch(chosen, contextLength: configuration.contextLength, padding: padding)
            optimizer.learningRate = schedule.value(atStep: step)
            optimizer.zeroGradients()
            let loss = self(batch.inputs).crossEntropy(targets: batch.targets, mask: batch.mask)
            loss.backward()
            guard loss.item.isFinite else { throw RLHFError.invalidInput("the language-model loss became NaN or infinite at step \(step); lower the learning rate") }
            _ = clipGradientNorm(parameters, maxNorm: settings.maxGradientNorm)
            optimizer.step()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let record = LanguageModelStep(step: step + 1, loss: Double(loss.item), learningRate: Double(optimizer.learningRate),
                                           tokensPerSecond: Double(batch.lengths.reduce(0, +)) / seconds)
            records.append(record)
            guard try callback(record) else { break }
        }
        return records
    }
}
