/// One line per configuration key of every algorithm, for `ascent train <algorithm> --help`.
/// The declarations in `Sources/AscentRL/Algorithms/*Configuration.swift` document the maths;
/// this says what a user sets.
enum HyperparameterGlossary {
    static let lines: [String: String] = [
        "environment": "Gymnasium id (use --env)",
        "environmentOptions": "constructor options, name=value pairs (e.g. g=9.81)",
        "seed": "seed of every random stream (use --seed)",
        "totalSteps": "environment steps to train for, over all copies (use --total-steps)",
        "randomization": "domain randomisation (set by `ascent experiment randomization`)",
        "environments": "parallel environment copies",
        "vectorMode": "how copies run: auto, native, native-threaded, serial, threaded",
        "rolloutSteps": "steps per copy per rollout",
        "minibatchSize": "samples per minibatch (divides environments × rolloutSteps)",
        "epochs": "passes over each rollout",
        "learningRate": "optimiser step size",
        "annealLearningRate": "decay the learning rate linearly to 0",
        "adamEpsilon": "Adam's ε",
        "epsilon": "the optimiser's ε",
        "optimizer": "rmsprop (SB3's A2C) or adam",
        "rmspropAlpha": "RMSprop's smoothing constant",
        "gamma": "discount factor γ",
        "gaeLambda": "GAE λ (1: Monte-Carlo advantages)",
        "clipRange": "PPO's surrogate clip ε",
        "annealClipRange": "decay the clip range linearly to 0",
        "clipValueLoss": "clip the value loss around the old values",
        "valueCoefficient": "weight of the value loss",
        "entropyCoefficient": "weight of the entropy bonus",
        "maxGradientNorm": "clip the global gradient norm to this (none: no clipping)",
        "normalizeAdvantages": "standardise advantages per minibatch",
        "targetKL": "stop an update's epochs once approximate KL exceeds 1.5 × this (none: never)",
        "normalizeObservations": "running mean/std normalisation of observations",
        "normalizeRewards": "scale rewards by the running return's std",
        "hiddenSizes": "hidden layer sizes, comma separated",
        "activation": "hidden activation: tanh, relu, gelu, sigmoid",
        "initialLogStd": "initial log σ of Gaussian policies",
        "rpoAlpha": "Robust Policy Optimization noise on Gaussian means during updates (0: off)",
        "squashActions": "squash Gaussian actions with tanh onto the bounds",
        "bufferSize": "transitions the replay buffer holds",
        "batchSize": "transitions per gradient step",
        "learningStarts": "uniformly random steps before learning starts",
        "trainFrequency": "train every this many steps per copy",
        "gradientSteps": "gradient steps per training round",
        "logInterval": "environment steps per metrics row",
        "tau": "Polyak rate of the target networks (1: hard copy)",
        "autoEntropy": "tune SAC's entropy coefficient α automatically",
        "initialEntropyCoefficient": "α at the start (automatic) or throughout",
        "targetEntropy": "entropy α's tuning aims for (none: −action dimensions)",
        "policyFrequency": "SAC: actor updates every this many critic updates",
        "explorationNoise": "SAC: white or pink noise; TD3: σ of the Gaussian exploration noise",
        "policyDelay": "TD3: actor and target updates every this many critic updates",
        "targetPolicyNoise": "TD3: σ of the target policy's smoothing noise",
        "targetNoiseClip": "TD3: clip of that noise",
        "targetUpdateInterval": "DQN: steps between target network updates",
        "doubleDQN": "DQN: choose next actions with the online network",
        "initialExploration": "DQN: ε at the start",
        "finalExploration": "DQN: ε at the end of the schedule",
        "explorationFraction": "DQN: fraction of training over which ε decays",
        "episodesPerUpdate": "REINFORCE: complete episodes per update",
        "baseline": "REINFORCE: subtract a learned value baseline",
    ]

    /// `--flag <default>: meaning`, one line per key of an algorithm, for its help text.
    static func help(_ hyperparameters: [(key: String, value: String, isSwitch: Bool)]) -> String {
        hyperparameters.filter { !CommandLineSurface.ownFlags.contains($0.key) }.map { item in
            "--\(CommandLineSurface.kebabCase(item.key)) \(item.value.isEmpty ? "\"\"" : item.value): \(lines[item.key] ?? "")"
        }.joined(separator: "\n")
    }
}
