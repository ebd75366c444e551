import ArgumentParser
import AscentEnvironments
import AscentReport
import AscentRL
import AscentTensor
import Foundation

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train several algorithms on one environment over several seeds and compare them in one report.",
        discussion: "Each algorithm uses its preset for the environment (or its defaults). Writes <out>/<algo>-seed<k>/ run directories, <out>/comparison.html and <out>/summary.json."
    )

    @Option(help: "Environment id.") var env = "Pendulum-v1"
    @Option(help: "Algorithms, comma separated (continuous: ppo, sac, td3, a2c, reinforce; discrete: ppo, a2c, dqn, reinforce).") var algos = "ppo,sac,td3,a2c"
    @Option(help: "Seeds per algorithm (1…N).") var seeds = 3
    @Option(help: "Environment steps per run (default: each algorithm's preset).") var steps: Int?
    @Option(parsing: .unconditional, help: "Return counted as solved for the steps/time-to-threshold columns (default: the environment's reward threshold).") var threshold: Double?
    @Option(help: "Deterministic evaluation episodes per run.") var evalEpisodes = 10
    @Option(help: "Output directory.") var out: String?

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be positive, got \(seeds)") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps)") }
        guard evalEpisodes > 0 else { throw ValidationError("--eval-episodes must be positive, got \(evalEpisodes)") }
        guard !commaList(algos).isEmpty else { throw ValidationError("--algos needs at least one algorithm") }
    }

    func run() throws {
        let algorithms = commaList(algos).map { $0.lowercased() }
        try checkApplicable(algorithms, environment: env)
        let output = out ?? "runs/compare-\(env)"
        let threshold = self.threshold ?? Environments.spec(env)?.rewardThreshold
        var summaries: [RunSummary] = []
        for algorithm in algorithms {
            for seed in 1...UInt64(seeds) {
                print("== \(algorithm) seed \(seed) of \(seeds) on \(env)")
                let type = try cliErrors { try TrainingAlgorithms.named(algorithm) }
                summaries.append(try trainForExperiment(type, environment: env, seed: seed, steps: steps,
                                                        directory: "\(output)/\(algorithm)-seed\(seed)", evalEpisodes: evalEpisodes).summary)
            }
        }
        let report = ComparisonReport(environment: env, runs: summaries, threshold: threshold)
        let directory = URL(fileURLWithPath: output)
        try cliErrors {
            try writeJSON(summaries, to: directory.appendingPathComponent("summary.json"))
            try AtomicFile.write(Data(report.html().utf8), to: directory.appendingPathComponent("comparison.html"))
        }
        for algorithm in algorithms {
            let finals = summaries.filter { $0.algorithm == algorithm }.map(\.evaluationMean).sorted()
            print(String(format: "%@: median final evaluation %.1f over %d seeds", algorithm, medianOfSorted(finals), finals.count))
        }
        print("comparison report: \(directory.appendingPathComponent("comparison.html").path)")
    }
}
