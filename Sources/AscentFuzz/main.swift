import AscentRandom
import Dispatch
import Foundation

// ascent-fuzz: runs every fuzz target (or those named) for a share of `--seconds`, mutating
// valid inputs with a seeded generator; any crash kills the process, which CI reports. Rerun
// with the same --seed to reproduce: the mutations, and so the failing input, repeat.
//
//     swift run -c release ascent-fuzz --seconds 90 [--seed 1] [target ...]

var seconds = 60.0, seed: UInt64 = 1, names: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--seconds": seconds = arguments.popFirst().flatMap(Double.init) ?? seconds
    case "--seed": seed = arguments.popFirst().flatMap { UInt64($0) } ?? seed
    default: names.append(argument)
    }
}
do {
    let targets = try FuzzTargets.all().filter { names.isEmpty || names.contains($0.name) }
    guard !targets.isEmpty else {
        print("no fuzz target named \(names.joined(separator: ", ")); targets: \(try FuzzTargets.all().map(\.name).joined(separator: ", "))")
        exit(2)
    }
    for target in targets where !target.seeds.isEmpty {
        var mutator = Mutator(generator: RandomGenerator(seed: seed, stream: "fuzz-" + target.name))
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds / Double(targets.count) * 1e9)
        var executions = 0, rejected = 0
        var seedIndex = 0
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let input = mutator.mutate(target.seeds[seedIndex % target.seeds.count])
            seedIndex += 1
            do { try target.run(input) } catch { rejected += 1 }
            executions += 1
        }
        for valid in target.seeds { try target.run(valid) }  // the seeds themselves must still load
        print("\(target.name): \(executions) executions, \(rejected) rejected with an error, no crash")
        fflush(nil)  // CI logs show each target as it finishes
    }
} catch {
    print("fuzz setup failed: \(error)")
    exit(1)
}
