import AscentTensor

/// What one epoch over preference pairs reports, for the reward model and for DPO.
public struct PreferenceEpochMetrics: Codable, Sendable, Equatable {
    public var epoch: Int
    /// Minibatches trained so far, this epoch's included (the step TensorBoard logs it at).
    public var step: Int
    public var loss: Double
    /// Fraction of pairs ranked the preferred way (chosen above rejected).
    public var accuracy: Double
    /// Mean margin, chosen minus rejected: the reward model's score gap, or DPO's implicit
    /// reward margin β [(log π(y_c) − log π_ref(y_c)) − (log π(y_r) − log π_ref(y_r))].
    public var margin: Double
}

/// Epochs of shuffled minibatches over preference pairs, as a resumable loop (one step is one
/// minibatch): the reward model's Bradley–Terry training and DPO differ only in `batchLoss`.
final class PreferenceLoop: ResumableLoop {
    struct Totals: Codable {
        var loss = 0.0, correct = 0, margin = 0.0, seen = 0
    }

    struct State: Codable {
        var batches: ShuffledBatches
        var steps = 0
        /// Sums over the epoch so far.
        var totals = Totals()
        var epochs: [PreferenceEpochMetrics] = []
    }

    let stage: String
    let identity: [String: String]
    let module: Module
    let optimizer: Adam
    let parameters: [Parameter]
    let epochs: Int
    let batchSize: Int
    /// A minibatch's mean loss (to minimise) and each pair's margin, chosen minus rejected.
    let batchLoss: ([Int]) -> (loss: Tensor, margins: [Float])
    var state: State
    /// Sees each finished epoch.
    var onEpoch: (PreferenceEpochMetrics) -> Void = { _ in }

    init(stage: String, identity: [String: String], module: Module, optimizer: Adam, pairs: Int, epochs: Int, batchSize: Int,
         generator: RandomGenerator, batchLoss: @escaping ([Int]) -> (loss: Tensor, margins: [Float])) {
        (self.stage, self.identity, self.module, self.optimizer, self.epochs, self.batchSize, self.batchLoss) =
            (stage, identity, module, optimizer, epochs, batchSize, batchLoss)
        parameters = module.parameters
        state = State(batches: ShuffledBatches(count: pairs, generator: generator))
    }

    var modules: [String: Module] { ["model": module] }
    var optimizers: [String: Optimizer] { ["model": optimizer] }
    var stepsDone: Int { state.steps }
    var isFinished: Bool { state.batches.epoch == epochs && state.batches.endsEpoch }

    func step() throws {
        let rows = state.batches.next(batchSize, acrossEpochs: false)
        let (loss, margins) = batchLoss(rows)
        optimizer.zeroGradients()
        loss.backward()
        guard loss.item.isFinite else { throw RLHFError.invalidInput("the \(stage) loss became NaN or infinite at step \(state.steps + 1); lower the learning rate") }
        _ = clipGradientNorm(parameters, maxNorm: 1)
        optimizer.step()
        state.steps += 1
        state.totals.loss += Double(loss.item) * Double(rows.count)
        state.totals.correct += margins.filter { $0 > 0 }.count
        state.totals.margin += margins.reduce(0) { $0 + Double($1) }
        state.totals.seen += rows.count
        if state.batches.endsEpoch {
            let t = state.totals, seen = Double(state.totals.seen)
            let metrics = PreferenceEpochMetrics(epoch: state.batches.epoch, step: state.steps, loss: t.loss / seen, accuracy: Double(t.correct) / seen, margin: t.margin / seen)
            state.epochs.append(metrics)
            state.totals = Totals()
            onEpoch(metrics)
        }
    }
}

extension Fingerprint {
    mutating func add(_ pairs: [PreferencePair]) {
        add([pairs.count])
        for pair in pairs { add(pair.prompt); add(pair.chosen); add(pair.rejected) }
    }
}
