import ArgumentParser
import AscentEnvironments
import AscentRL
import AscentTensor
import Foundation

struct BenchSAC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sac",
        abstract: "SAC environment steps per second in Stable-Baselines3's default configuration (256-256, batch 256; Pendulum-v1 unless --env).",
        discussion: "bench/sac_speed.sh runs this and Stable-Baselines3 (bench/sb3_sac.py) in the same run. GFLOP/s counts the matrix products SB3 performs per step."
    )

    @Flag(help: "Print a JSON array of {name, value, unit} records.") var json = false
    @Option(help: "Runs per thread count; the median is reported.") var runs = 3
    @Option(help: "Environment steps timed per run (after a warm-up).") var steps = 1_000
    @Option(help: "Environment id.") var env = "Pendulum-v1"

    func validate() throws {
        guard runs > 0, steps > 0 else { throw ValidationError("--runs and --steps must be positive") }
    }

    func run() throws {
        let all = KernelThreads.count
        defer { KernelThreads.set(all) }
        let c = SACBenchmark.sb3Configuration(environment: env)
        let spaces = try cliErrors { try Environments.make(env) }
        let flops = SACBenchmark.flopsPerGradientStep(observation: spaces.observationSpace.flatCount, action: spaces.actionSpace.flatCount,
                                                      hidden: c.hiddenSizes, batch: c.batchSize)
        var records: [BenchmarkRecord] = []
        for threads in Array(Set([1, all])).sorted() {
            KernelThreads.set(threads)
            var rates: [Double] = []
            for run in 0..<runs {
                rates.append(try cliErrors { try SACBenchmark.stepsPerSecond(environment: env, seed: UInt64(run) + 1, measuredSteps: steps) })
            }
            let rate = BenchmarkOutput.median(rates)
            records.append(BenchmarkRecord(name: "sac \(env) 256-256 batch 256, \(threads) thread(s)", value: rate, unit: "steps/s"))
            records.append(BenchmarkRecord(name: "  matrix-product throughput, \(threads) thread(s)", value: rate * flops / 1e9, unit: "GFLOP/s"))
        }
        records.append(BenchmarkRecord(name: "matrix-product work per environment step", value: flops / 1e6, unit: "MFLOP"))
        BenchmarkOutput.emit(records, json: json)
    }
}
