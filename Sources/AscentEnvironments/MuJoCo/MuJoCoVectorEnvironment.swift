import AscentRandom

/// Many copies of a MuJoCo environment as one batch on MuJoCo's thread pool (`mjBatch`),
/// with the time limit and episode statistics built in: the native vector mode of the
/// MuJoCo ids. Results are bit-identical for any thread count and equal those of the same
/// number of ``MuJoCoEnvironment``s.
///
/// Autoreset follows ``VectorEnvironment``: same step, true final observations kept. A
/// simulation MuJoCo reports as diverged ends its episode as truncated (see
/// ``MuJoCoEnvironment``), with info `simulation_diverged` = 1.
public final class MuJoCoVectorEnvironment: VectorEnvironment {
    let simulations: any MuJoCoSimulating
    public let maxEpisodeSteps: Int?
    private var generators: [RandomGenerator]
    private var elapsed: [Int]
    private var tally: EpisodeTally
    private var outcomes: [MuJoCoOutcome]
    private var diverged: [Bool]
    private let actionCheck: ActionCheck
    private var started = false

    public var count: Int { simulations.count }
    public var name: String { simulations.id }
    public var observationSpace: Space { simulations.observationSpace }
    public var actionSpace: Space { simulations.actionSpace }

    init(simulations: any MuJoCoSimulating, maxEpisodeSteps: Int?) throws {
        if let maxEpisodeSteps, maxEpisodeSteps <= 0 {
            throw EnvironmentError.invalidConfiguration("max_episode_steps must be positive, got \(maxEpisodeSteps)")
        }
        self.simulations = simulations
        self.maxEpisodeSteps = maxEpisodeSteps
        let n = simulations.count
        let seed = UInt64.random(in: 0...UInt64.max)
        generators = (0..<n).map { RandomGenerator(seed: seed &+ UInt64($0), stream: simulations.id) }
        elapsed = [Int](repeating: 0, count: n)
        tally = EpisodeTally(count: n)
        outcomes = [MuJoCoOutcome](repeating: MuJoCoOutcome(reward: 0, terminated: false), count: n)
        diverged = [Bool](repeating: false, count: n)
        actionCheck = ActionCheck(environment: simulations.id, space: simulations.actionSpace)
    }

    public func reset(seed: UInt64?) throws -> [Float] {
        if let seed { generators = (0..<count).map { RandomGenerator(seed: seed &+ UInt64($0), stream: name) } }
        var observations = [Float](repeating: 0, count: count * observationSize)
        try generators.withUnsafeMutableBufferPointer { g in
            try observations.withUnsafeMutableBufferPointer { try simulations.reset(Array(0..<count), generators: g, into: $0) }
        }
        elapsed = [Int](repeating: 0, count: count)
        tally = EpisodeTally(count: count)
        started = true
        return observations
    }

    public func step(_ actions: [Float]) throws -> VectorStep {
        var result = VectorStep()
        try step(actions, into: &result)
        return result
    }

    public func step(_ actions: [Float], into result: inout VectorStep) throws {
        guard started else { throw EnvironmentError.stepBeforeReset(environment: name) }
        let (n, actSize, obsSize) = (count, actionSize, observationSize)
        guard actions.count == n * actSize else {
            throw EnvironmentError.invalidAction(environment: name, reason: "expected \(n) × \(actSize) = \(n * actSize) values, got \(actions.count)")
        }
        result.prepare(count: n, observationSize: obsSize)
        try actions.withUnsafeBufferPointer { all in
            for i in 0..<n { try actionCheck.validate(UnsafeBufferPointer(rebasing: all[(i * actSize)..<((i + 1) * actSize)])) }
            try result.observations.withUnsafeMutableBufferPointer { observations in
                try outcomes.withUnsafeMutableBufferPointer { outcomes in
                    try diverged.withUnsafeMutableBufferPointer {
                        try simulations.step(all, observations: observations, outcomes: outcomes, diverged: $0, withInfo: false)
                    }
                }
            }
        }
        var ended: [Int] = []
        let limit = maxEpisodeSteps ?? Int.max
        for i in 0..<n {
            let reward = outcomes[i].reward
            elapsed[i] += 1
            result.rewards[i] = reward
            result.terminated[i] = outcomes[i].terminated
            result.truncated[i] = elapsed[i] >= limit || diverged[i]  // as Gymnasium's TimeLimit, even if terminated
            tally.returns[i] += reward
            tally.lengths[i] += 1
            guard result.terminated[i] || result.truncated[i] else { continue }
            var info: Info = ["episode_return": tally.returns[i], "episode_length": Double(tally.lengths[i])]
            if diverged[i] { info["simulation_diverged"] = 1 }
            result.infos[i] = info
            result.finalObservations[i] = Array(result.observations[(i * obsSize)..<((i + 1) * obsSize)])
            (tally.returns[i], tally.lengths[i], elapsed[i]) = (0, 0, 0)
            ended.append(i)
        }
        guard !ended.isEmpty else { return }
        var starts = [Float](repeating: 0, count: ended.count * obsSize)
        try generators.withUnsafeMutableBufferPointer { g in
            try starts.withUnsafeMutableBufferPointer { try simulations.reset(ended, generators: g, into: $0) }
        }
        for (k, i) in ended.enumerated() {
            for j in 0..<obsSize { result.observations[i * obsSize + j] = starts[k * obsSize + j] }
        }
    }

    /// Changes a physical constant (see ``MuJoCoEnvironment/physicalParameters``) of every
    /// sub-environment, or of sub-environment `index` only.
    public func setPhysicalParameter(_ name: String, to value: Double, index: Int? = nil) throws {
        if let index, !(0..<count).contains(index) {
            throw EnvironmentError.invalidConfiguration("\(self.name): no sub-environment \(index); there are \(count)")
        }
        for i in index.map({ [$0] }) ?? Array(0..<count) { try simulations.physics.set(name, to: value, simulation: i, environment: self.name) }
    }

    /// Sub-environment `index` as a drawing (see ``MuJoCoEnvironment/render()``).
    public func render(_ index: Int) -> RenderFrame {
        (try? simulations.renderFrame(index)) ?? RenderFrame(kind: "mujoco", values: [:])
    }
}

extension MuJoCoVectorEnvironment: StateRestorable {
    public func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.generators["generators"] = generators
        saved.set("started", started)
        saved.set("elapsed", elapsed)
        tally.save(into: &saved)
        saved.values["simulations"] = (0..<count).flatMap { simulations.savedState($0) }
        return saved
    }

    public func restoreState(_ saved: EnvironmentState) throws {
        let width = simulations.savedStateSize
        let rows = try saved.values("simulations", count: count * width, of: name)
        generators = try saved.generators("generators", count: count, of: name)
        started = try saved.flag("started", of: name)
        elapsed = try saved.integers("elapsed", count: count, in: 0...(maxEpisodeSteps ?? Int(1 << 53)), of: name)
        tally = try EpisodeTally(saved, count: count, of: name)
        for i in 0..<count { simulations.restoreState(i, Array(rows[(i * width)..<((i + 1) * width)])) }
    }
}
