import AscentEnvironments
import Foundation

/// The parallel training environments of any algorithm: the registry's vector
/// environment, or, with domain randomisation, one randomised copy per slot (each with its
/// own randomisation stream, derived from the run's seed).
func makeTrainingEnvironments(_ id: String, options: [String: Double], count: Int, vectorMode: String,
                              randomization: RandomizationSettings?, seed: UInt64) throws -> any VectorEnvironment {
    guard let randomization else {
        return try Environments.makeVector(id, count: count, options: options, mode: .named(vectorMode))
    }
    let copies = try makeTrainingEnvironmentCopies(id, options: options, count: count, randomization: randomization, seed: seed)
    return vectorMode == "threaded"
        ? try ThreadedVectorEnvironment(copies, threads: ProcessInfo.processInfo.activeProcessorCount)
        : try SyncVectorEnvironment(copies)
}

/// `count` separate training environments, each domain-randomised with its own stream when
/// `randomization` is set.
func makeTrainingEnvironmentCopies(_ id: String, options: [String: Double], count: Int,
                                   randomization: RandomizationSettings?, seed: UInt64) throws -> [any Environment] {
    try (0..<count).map { i -> any Environment in
        let env = try Environments.make(id, options: options)
        guard let randomization else { return env }
        return try DomainRandomization(env, settings: randomization, seed: seed &* 7_919 &+ UInt64(i) &+ 1)
    }
}

/// A fresh evaluation environment with `physicalParameters` set (e.g. `["mass": 1.5]`, for
/// robustness tests); an unknown name is an error listing the environment's parameters.
func makeEvaluationEnvironment(_ id: String, options: [String: Double], physicalParameters: [String: Double]) throws -> any Environment {
    let env = try Environments.make(id, options: options)
    guard !physicalParameters.isEmpty else { return env }
    guard let target = env.find((any PhysicallyParameterized).self) else {
        throw RLError.unsupportedSpace("\(id) exposes no physical parameters to set")
    }
    for name in physicalParameters.keys.sorted() { try target.setPhysicalParameter(name, to: physicalParameters[name]!) }
    return env
}
