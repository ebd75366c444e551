import ArgumentParser
import AscentEnvironments

struct BenchMuJoCo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mujoco",
        abstract: "MuJoCo environment steps per second: raw mj_step × frame_skip, Ascent's step, and the native batch on 1 and 2 threads.",
        discussion: "Run a release build with MuJoCo installed (scripts/install-mujoco.sh). bench/mujoco.sh also times Gymnasium in the same run."
    )

    @Flag(help: "Print a JSON array of {name, value, unit} records.") var json = false
    @Option(help: "Measurements per figure; the median is reported.") var runs = 5
    @Option(help: "Sub-environments in the vector figures.") var count = 16
    @Option(help: "Environment ids, comma separated (default: all ten).") var envs: String?

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive, got \(runs)") }
        guard count > 0, count <= 4096 else { throw ValidationError("--count must be in 1...4096, got \(count)") }
    }

    func run() throws {
        let ids = envs.map { $0.split(separator: ",").map(String.init) } ?? MuJoCoEnvironment.ids
        var records: [BenchmarkRecord] = []
        func measure(_ name: String, _ unit: String = "steps/s", _ body: () throws -> Double) throws -> Double {
            let median = BenchmarkOutput.median(try (0..<runs).map { _ in try body() })
            records.append(BenchmarkRecord(name: name, value: median, unit: unit))
            return median
        }
        try cliErrors {
            for id in ids {
                let env = try measure("\(id) Ascent env step") { try MuJoCoBenchmark.environmentStepsPerSecond(id) }
                let raw = try measure("\(id) raw mj_step × frame_skip on the same states") { try MuJoCoBenchmark.rawStepsPerSecond(id) }
                records.append(BenchmarkRecord(name: "\(id) Ascent step time over raw", value: (raw / env - 1) * 100, unit: "%"))
                let one = try measure("\(id) native batch N=\(count), 1 thread") { try MuJoCoBenchmark.vectorStepsPerSecond(id, count: count, threads: 1) }
                let two = try measure("\(id) native batch N=\(count), 2 threads") { try MuJoCoBenchmark.vectorStepsPerSecond(id, count: count, threads: 2) }
                records.append(BenchmarkRecord(name: "\(id) batch 2 threads / 1 thread", value: two / one, unit: "x"))
            }
        }
        BenchmarkOutput.emit(records, json: json)
    }
}
