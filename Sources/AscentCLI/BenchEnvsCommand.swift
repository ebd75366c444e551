import ArgumentParser
import AscentEnvironments

struct BenchEnvs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "Environment steps per second: single, native batched, serial and threaded vector environments.",
        discussion: "Run a release build. bench/envs.sh also measures Gymnasium in the same run for comparison."
    )

    @Flag(help: "Print a JSON array of {name, value, unit} records.") var json = false
    @Option(help: "Measurements per figure; the median is reported.") var runs = 5
    @Option(help: "Sub-environments in the vector figures.") var count = 64

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive, got \(runs)") }
        guard count > 0 else { throw ValidationError("--count must be positive, got \(count)") }
    }

    func run() throws {
        var records: [BenchmarkRecord] = []
        func measure(_ name: String, _ body: () throws -> Double) throws -> Double {
            var values: [Double] = []
            for _ in 0..<runs { values.append(try body()) }
            let median = BenchmarkOutput.median(values)
            records.append(BenchmarkRecord(name: name, value: median, unit: "steps/s"))
            return median
        }
        for id in ["Pendulum-v1", "CartPole-v1"] {
            _ = try measure("\(id) single env") { try EnvironmentBenchmark.singleStepsPerSecond(id) }
        }
        let native = try measure("Pendulum-v1 native batched N=\(count), 1 thread") {
            try EnvironmentBenchmark.vectorStepsPerSecond("Pendulum-v1", count: count, mode: .native, vectorSteps: 40_000)
        }
        let nativeThreaded = try measure("Pendulum-v1 native batched N=\(count), 2 threads") {
            try EnvironmentBenchmark.vectorStepsPerSecond("Pendulum-v1", count: count, mode: .nativeThreaded(2), vectorSteps: 40_000)
        }
        records.append(BenchmarkRecord(name: "native 2 threads / native 1 thread", value: nativeThreaded / native, unit: "x"))
        let serial = try measure("Pendulum-v1 serial vector N=\(count)") {
            try EnvironmentBenchmark.vectorStepsPerSecond("Pendulum-v1", count: count, mode: .serial, vectorSteps: 20_000)
        }
        let threaded = try measure("Pendulum-v1 threaded vector N=\(count), 2 threads") {
            try EnvironmentBenchmark.vectorStepsPerSecond("Pendulum-v1", count: count, mode: .threaded(2), vectorSteps: 20_000)
        }
        records.append(BenchmarkRecord(name: "threaded / serial", value: threaded / serial, unit: "x"))
        var handoffs: [Double] = []
        for _ in 0..<runs { handoffs.append(try EnvironmentBenchmark.workerPoolCallSeconds(threads: 2) * 1e6) }
        records.append(BenchmarkRecord(name: "worker pool call with an empty job, 2 threads", value: BenchmarkOutput.median(handoffs), unit: "µs"))
        BenchmarkOutput.emit(records, json: json)
    }
}
