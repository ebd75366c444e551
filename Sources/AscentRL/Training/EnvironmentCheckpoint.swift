import AscentEnvironments

/// The training environments in a checkpoint: their exact state (``EnvironmentState``) and
/// the observations the next step acts on, so that a resumed run continues the episodes in
/// progress and equals one that was never interrupted.
///
/// Environments that cannot save their state (a user's environment that is not
/// ``StateRestorable``) leave both out; a run resumed from such a checkpoint starts fresh
/// episodes instead.
extension CheckpointWriter {
    mutating func addEnvironments(_ environment: any VectorEnvironment, observations: [Float]) {
        // The only error saving can raise is that some environment cannot save its state.
        guard let state = try? environment.savedEnvironmentState() else { return }
        set("environment_state", state)
        set("environment_observations", observations)
    }
}

extension CheckpointReader {
    /// Restores the environments' saved state and returns the observations to act on next;
    /// nil when the checkpoint holds no environment state.
    func restoreEnvironments(_ environment: any VectorEnvironment) throws -> [Float]? {
        guard file.metadata["environment_state"] != nil else { return nil }
        let observations = try field("environment_observations", as: [Float].self)
        guard observations.count == environment.count * environment.observationSize, observations.allSatisfy(\.isFinite) else {
            throw RLError.invalidRunDirectory("checkpoint metadata 'environment_observations' needs \(environment.count) × \(environment.observationSize) finite values, has \(observations.count)")
        }
        do {
            try environment.restoreEnvironmentState(try field("environment_state", as: EnvironmentState.self))
        } catch let error as EnvironmentError {
            throw RLError.invalidRunDirectory("checkpoint metadata 'environment_state' does not fit the environments: \(error)")
        }
        return observations
    }
}
