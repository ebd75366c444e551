import AscentEnvironments
import AscentRL
import AscentTensor
import Foundation

/// One training run inside a comparison or experiment: the algorithm's defaults for the
/// environment, a seed, an optional length and randomisation, its own run directory with
/// progress, checkpoints and report. Returns the trained run and its summary.
func trainForExperiment<Run: ConfigurableRun>(_ type: Run.Type, environment: String, seed: UInt64, steps: Int?,
                                              randomization: RandomizationSettings? = nil, directory path: String,
                                              evalEpisodes: Int) throws -> (run: Run, summary: RunSummary) {
    var configuration = try cliErrors { try Run.Configuration.defaults(for: environment) }
    configuration.seed = seed
    if let steps { configuration.totalSteps = steps }
    configuration.randomization = randomization
    let run = try cliErrors { try Run(configuration) }
    let directory = try cliErrors { try RunDirectory.create(at: path) }
    try cliErrors { try directory.writeConfiguration(of: run) }
    // Twenty evaluations under nominal physics along the way: the curve that separates
    // "learns slower" from "scores lower on harder, randomised physics".
    let every = evalEpisodes > 0 ? Swift.max(1, run.totalSteps / 20) : 0
    let returns = try TrainingSession(training: run, directory: directory, checkpointEvery: 25_000, evalEpisodes: evalEpisodes, evalEvery: every).run()
    return (run, RunSummary(run, seed: seed, evaluationReturns: returns, evaluations: directory.evaluations()))
}

/// Checks that every algorithm can be built for `environment` (action space, presets) before
/// hours of training start; the error names the algorithm and what would be valid.
func checkApplicable(_ algorithms: [String], environment: String) throws {
    func probe<Run: ConfigurableRun>(_ type: Run.Type) throws {
        var configuration = try Run.Configuration.defaults(for: environment)
        configuration.totalSteps = 1
        _ = try Run(configuration)
    }
    for name in algorithms {
        do {
            try probe(try TrainingAlgorithms.named(name))
        } catch {
            throw CLIError("\(name) cannot run on \(environment): \(error)")
        }
    }
}

/// Writes `value` as pretty JSON next to a report (for scripts and re-plotting).
func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try AtomicFile.write(try encoder.encode(value), to: url)
}

/// `"a,b,c"` → `["a", "b", "c"]`, trimmed, empty items dropped.
func commaList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// `"0,0.1"` → numbers, or a validation error naming the option.
func numberList(_ text: String, option: String) throws -> [Double] {
    try commaList(text).map { item in
        guard let value = Double(item), value.isFinite else { throw CLIError("\(option) takes numbers separated by commas; '\(item)' is not one") }
        return value
    }
}
