import ArgumentParser
import AscentRL
import Foundation

struct BenchPPO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo",
        abstract: "PPO training time and action latency in Stable-Baselines3's Pendulum configuration.",
        discussion: "bench/ppo_speed.sh runs this and Stable-Baselines3 (bench/sb3_ppo.py) in the same run. Peak memory is this process's maximum resident set size."
    )

    @Flag(help: "Print a JSON array of {name, value, unit} records.") var json = false
    @Option(help: "Training runs; the median is reported.") var runs = 5
    @Option(help: "Time Stable-Baselines3's default PPO configuration (1 env × 2048, batch 64, 10 epochs, 64-64) on this environment instead, e.g. HalfCheetah-v5.") var env: String?
    @Option(help: "Environment steps per run with --env.") var steps = 102_400

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive, got \(runs)") }
        guard steps >= 2048 else { throw ValidationError("--steps must be at least one rollout (2048), got \(steps)") }
    }

    func run() throws {
        if let env {
            var rates: [Double] = []
            for run in 0..<runs {
                var c = PPOBenchmark.sb3DefaultConfiguration(environment: env, totalSteps: steps)
                c.seed = UInt64(run) + 1
                rates.append(try cliErrors { try PPOBenchmark.stepsPerSecond(c) })
            }
            BenchmarkOutput.emit([BenchmarkRecord(name: "ppo \(env) SB3 defaults 1x2048 batch 64 10 epochs 64-64, \(steps) steps",
                                                  value: BenchmarkOutput.median(rates), unit: "steps/s")], json: json)
            return
        }
        var seconds: [Double] = []
        for run in 0..<runs {
            seconds.append(try cliErrors { try PPOBenchmark.trainingSeconds(seed: UInt64(run) + 1) })
        }
        let latency = try cliErrors { try PPOBenchmark.actionLatencySeconds() }
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        BenchmarkOutput.emit([
            BenchmarkRecord(name: "ppo Pendulum-v1 4x1024 batch 64 10 epochs 102400 steps", value: BenchmarkOutput.median(seconds), unit: "s"),
            BenchmarkRecord(name: "deterministic action, one observation", value: latency * 1e6, unit: "µs"),
            BenchmarkRecord(name: "peak resident memory", value: peakResidentMiB(usage.ru_maxrss), unit: "MiB"),
        ], json: json)
    }
}

/// `ru_maxrss` is in kilobytes on Linux and bytes on Darwin.
private func peakResidentMiB(_ maxrss: Int) -> Double {
    #if canImport(Darwin)
    return Double(maxrss) / 1_048_576
    #else
    return Double(maxrss) / 1024
    #endif
}
