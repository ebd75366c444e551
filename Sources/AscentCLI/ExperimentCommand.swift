import ArgumentParser
import AscentEnvironments
import AscentReport
import AscentRL
import AscentTensor
import Foundation

struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one of the chapter's experiments.",
        subcommands: [RandomizationExperiment.self]
    )
}

struct RandomizationExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "randomization",
        abstract: "Train one policy per domain-randomisation width, then test every policy on a grid of physics.",
        discussion: """
        Level w trains with each randomised parameter drawn every episode from nominal × U(1 − w, 1 + w) (level 0: nominal \
        physics). Every trained policy is then evaluated on a grid of two parameters, including factors outside every \
        training range. Writes <out>/level-<w>-seed<k>/ run directories, <out>/randomization.html and <out>/results.json.
        """
    )

    @Option(help: "Environment id (must expose physical parameters: `ascent env info <id>`).") var env = "Pendulum-v1"
    @Option(help: "Algorithm.") var algo = "ppo"
    @Option(help: "Randomisation half-widths, comma separated.") var levels = "0,0.1,0.2,0.4"
    @Option(help: "Seeds per level.") var seeds = 3
    @Option(help: "Environment steps per run (default: the algorithm's preset).") var steps: Int?
    @Option(help: "Parameters to randomise, comma separated (default: every physical parameter except time steps).") var randomize: String?
    @Option(help: "The two parameters of the test grid (default: the environment's first two).") var grid: String?
    @Option(help: "Multiplicative factors of the test grid.") var factors = "0.5,0.75,1,1.25,1.5,2"
    @Option(help: "Deterministic episodes per grid cell.") var episodes = 5
    @Option(parsing: .unconditional, help: "Return counted as solved for the steps-to-threshold column (default: the environment's reward threshold).") var threshold: Double?
    @Option(help: "Output directory.") var out: String?

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be positive, got \(seeds)") }
        guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps)") }
    }

    func run() throws {
        let widths = try numberList(levels, option: "--levels")
        guard !widths.isEmpty, widths.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
            throw ValidationError("--levels must be widths in [0, 1) (a factor range 1 ± w must stay positive), got '\(levels)'")
        }
        let gridFactors = try numberList(factors, option: "--factors")
        guard !gridFactors.isEmpty, gridFactors.allSatisfy({ $0 > 0 }) else { throw ValidationError("--factors must be positive numbers, got '\(factors)'") }
        let probe = try cliErrors { try Environments.make(env) }
        guard let physical = probe.find((any PhysicallyParameterized).self) else {
            throw CLIError("\(env) exposes no physical parameters to randomise; use one of Pendulum-v1, CartPole-v1, MountainCar-v0, MountainCarContinuous-v0, Acrobot-v1 or an environment of yours that conforms to PhysicallyParameterized")
        }
        let available = physical.physicalParameters.map(\.name)
        func names(_ text: String?, default fallback: [String], option: String) throws -> [String] {
            let chosen = text.map(commaList) ?? fallback
            for name in chosen where !available.contains(name) {
                throw ValidationError("\(option): \(env) has no parameter '\(name)'; it has \(available.joined(separator: ", "))")
            }
            return chosen
        }
        let randomized = try names(randomize, default: available.filter { !["dt", "tau"].contains($0) }, option: "--randomize")
        let gridParameters = try names(grid, default: Array(randomized.prefix(2)), option: "--grid")
        guard gridParameters.count == 2 else { throw ValidationError("--grid must name exactly two parameters, got \(gridParameters)") }
        try checkApplicable([algo], environment: env)
        let type = try cliErrors { try TrainingAlgorithms.named(algo) }

        let output = out ?? "runs/randomization-\(algo)-\(env)"
        var results: [RandomizationReport.Level] = []
        for width in widths {
            let settings = width == 0 ? nil : RandomizationSettings(parameters: randomized.map {
                ParameterRandomization(name: $0, bounds: .multiplicative(low: 1 - width, high: 1 + width))
            })
            var summaries: [RunSummary] = [], grids: [RobustnessGrid] = []
            for seed in 1...UInt64(seeds) {
                print("== level ±\(width) seed \(seed) of \(seeds): \(algo) on \(env)")
                let (run, summary) = try trainForExperiment(type, environment: env, seed: seed, steps: steps, randomization: settings,
                                                            directory: "\(output)/level-\(width)-seed\(seed)", evalEpisodes: 10)
                print("   evaluating on the \(gridFactors.count)×\(gridFactors.count) physics grid...")
                grids.append(try cliErrors { try RobustnessGrid.evaluate(run, parameters: gridParameters, factors: gridFactors, episodes: episodes) })
                summaries.append(summary)
            }
            results.append(.init(width: width, runs: summaries, grid: RobustnessGrid.mean(grids)!))
        }
        let report = RandomizationReport(environment: env, algorithm: algo, randomizedParameters: randomized, levels: results,
                                         threshold: threshold ?? Environments.spec(env)?.rewardThreshold)
        let directory = URL(fileURLWithPath: output)
        struct Record: Encodable { let width: Double; let runs: [RunSummary]; let grid: RobustnessGrid }
        try cliErrors {
            try writeJSON(results.map { Record(width: $0.width, runs: $0.runs, grid: $0.grid) }, to: directory.appendingPathComponent("results.json"))
            try AtomicFile.write(Data(report.html().utf8), to: directory.appendingPathComponent("randomization.html"))
        }
        for level in results {
            print(String(format: "±%.2f: nominal evaluation %.1f, grid mean %.1f, worst cell %.1f", level.width,
                         medianOfSorted(level.runs.map(\.evaluationMean).sorted()), level.grid.overallMean,
                         level.grid.returns.flatMap { $0 }.min() ?? .nan))
        }
        print("randomisation report: \(directory.appendingPathComponent("randomization.html").path)")
    }
}
