import ArgumentParser
import AscentRL
import Foundation
struct Scratch: ParsableCommand {
    @Argument var preset: String
    @Option var steps: Int?
    @Option var seeds: String = "1"
    @Option var normObs: Bool?
    @Option var normRew: Bool?
    @Option var logStd: Float?
    @Option var lr: Float?
    @Option var lambda: Float?
    @Option var epochs: Int?
    @Option var vclip: Bool?
    @Option var ent: Float?
    @Option var anneal: Bool?
    @Option var batch: Int?
    @Option var squash: Bool?
    @Option var gamma: Float?
    @Option var clip: Float?
    func run() throws {
        var evals: [Double] = []
        for seed in seeds.split(separator: ",").map({ UInt64($0)! }) {
            var c = try PPOConfiguration.preset(preset)
            if let steps { c.totalSteps = steps }
            if let normObs { c.normalizeObservations = normObs }
            if let normRew { c.normalizeRewards = normRew }
            if let logStd { c.initialLogStd = logStd }
            if let lr { c.learningRate = lr }
            if let lambda { c.gaeLambda = lambda }
            if let epochs { c.epochs = epochs }
            if let vclip { c.clipValueLoss = vclip }
            if let ent { c.entropyCoefficient = ent }
            if let anneal { c.annealLearningRate = anneal }
            if let batch { c.minibatchSize = batch }
            if let squash { c.squashActions = squash }
            if let gamma { c.gamma = gamma }
            if let clip { c.clipRange = clip }
            c.seed = seed
            let ppo = try PPO(c)
            let t0 = Date()
            var curve: [String] = []
            try ppo.train { m in
                if m.update % 5 == 0 { curve.append(String(format: "%.0f", m.episodeReturn)) }
                return true
            }
            let stochastic = try ppo.evaluate(episodes: 50, deterministic: false).returns
            print("stochastic eval", stochastic.reduce(0, +) / 50, "worst", stochastic.min()!, "best", stochastic.max()!)
            let eval = try ppo.evaluate(episodes: 20).returns
            print("deterministic", eval.map { Int($0) })
            let mean = eval.reduce(0, +) / 20
            evals.append(mean)
            print("seed \(seed) time \(String(format: "%.1f", Date().timeIntervalSince(t0))) eval \(String(format: "%.1f", mean)) curve \(curve.joined(separator: " "))")
        }
        print("median eval", evals.sorted()[evals.count / 2])
    }
}
