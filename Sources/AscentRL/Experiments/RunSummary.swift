import Foundation

/// One finished training run reduced to what comparisons plot: its learning curve (the
/// updates in which episodes finished) and its final evaluation.
public struct RunSummary: Codable, Sendable, Equatable {
    public let algorithm: String
    public let seed: UInt64
    /// Environment steps, training seconds and mean training return at each logged row with a finished episode.
    public let steps: [Double]
    public let seconds: [Double]
    public let returns: [Double]
    /// Deterministic evaluation returns after training.
    public let evaluationReturns: [Double]
    /// Evaluations during training under nominal physics (steps and mean returns; nil in
    /// summaries written before they were recorded).
    public var evaluationSteps: [Double]? = nil
    public var evaluationCurve: [Double]? = nil

    public init(algorithm: String, seed: UInt64, steps: [Double], seconds: [Double], returns: [Double], evaluationReturns: [Double]) {
        (self.algorithm, self.seed, self.steps, self.seconds, self.returns, self.evaluationReturns) =
            (algorithm, seed, steps, seconds, returns, evaluationReturns)
    }

    public init<Run: TrainingRun>(_ run: Run, seed: UInt64, evaluationReturns: [Double],
                                  evaluations: [(step: Int, meanReturn: Double, standardError: Double)] = []) {
        let rows = run.history.filter { $0.episodeReturn.isFinite }
        self.init(algorithm: Run.algorithm, seed: seed, steps: rows.map { Double($0.globalStep) }, seconds: rows.map(\.wallSeconds),
                  returns: rows.map(\.episodeReturn), evaluationReturns: evaluationReturns)
        if !evaluations.isEmpty {
            evaluationSteps = evaluations.map { Double($0.step) }
            evaluationCurve = evaluations.map(\.meanReturn)
        }
    }

    /// The evaluations during training as a summary of their own (steps and returns), for
    /// drawing their curves with ``LearningCurveBand``.
    public var evaluationSummary: RunSummary? {
        guard let evaluationSteps, let evaluationCurve, !evaluationSteps.isEmpty else { return nil }
        return RunSummary(algorithm: algorithm, seed: seed, steps: evaluationSteps, seconds: evaluationSteps, returns: evaluationCurve,
                          evaluationReturns: evaluationReturns)
    }

    public var evaluationMean: Double { evaluationReturns.isEmpty ? .nan : evaluationReturns.reduce(0, +) / Double(evaluationReturns.count) }
    public var totalSeconds: Double { seconds.last ?? 0 }

    /// Environment steps between this run's rows (the median gap; 1 for fewer than two rows).
    public var rowSpacing: Double {
        let gaps = zip(steps.dropFirst(), steps).map { $0 - $1 }.sorted()
        return gaps.isEmpty ? 1 : medianOfSorted(gaps)
    }

    /// The training return averaged over the rows of the last `window` environment steps (at
    /// least the current row), so one lucky episode does not count as reaching a threshold.
    /// Comparisons pass the same window to every algorithm, whatever their row spacing.
    public func smoothedReturns(overSteps window: Double) -> [Double] {
        returns.indices.map { i in
            let rows = returns.indices.filter { $0 <= i && steps[$0] > steps[i] - window }
            return rows.map { returns[$0] }.reduce(0, +) / Double(Swift.max(rows.count, 1))
        }
    }

    /// The first (steps, seconds) at which the training return smoothed over `window` steps
    /// (default: five of this run's rows) reaches `threshold`, or nil.
    public func firstReaching(_ threshold: Double, window: Double? = nil) -> (steps: Double, seconds: Double)? {
        smoothedReturns(overSteps: window ?? 5 * rowSpacing).firstIndex { $0 >= threshold }.map { (steps[$0], seconds[$0]) }
    }
}

/// Learning curves of several seeds on a common axis: the median and the range across seeds.
public struct LearningCurveBand: Sendable {
    public let x: [Double], median: [Double], low: [Double], high: [Double]

    /// Samples each run's return, smoothed over `window` environment steps (default: five of
    /// each run's rows), at `points` values of `axis` (steps or seconds), holding the latest
    /// value (NaN before a run's first finished episode or after its end).
    public init(_ runs: [RunSummary], axis: KeyPath<RunSummary, [Double]>, points: Int = 60, window: Double? = nil) {
        let end = runs.compactMap { $0[keyPath: axis].last }.max() ?? 0
        x = (1...points).map { end * Double($0) / Double(points) }
        var median: [Double] = [], low: [Double] = [], high: [Double] = []
        for value in x {
            let samples = runs.compactMap { run -> Double? in
                let positions = run[keyPath: axis]
                guard let last = positions.lastIndex(where: { $0 <= value }), value <= (positions.last ?? 0) * 1.0001 else { return nil }
                return run.smoothedReturns(overSteps: window ?? 5 * run.rowSpacing)[last]
            }.sorted()
            guard !samples.isEmpty else { median.append(.nan); low.append(.nan); high.append(.nan); continue }
            median.append(medianOfSorted(samples))
            low.append(samples.first!)
            high.append(samples.last!)
        }
        (self.median, self.low, self.high) = (median, low, high)
    }
}

/// The median of an ascending array (NaN if empty).
public func medianOfSorted(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let mid = values.count / 2
    return values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
}
