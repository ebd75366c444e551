import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

@Test(.enabled(if: ProcessInfo.processInfo.environment["ASCENT_SCRATCH"] != nil)) func scratchPipeline() throws {
    var settings = RLHFSettings()
    let env = ProcessInfo.processInfo.environment
    settings.pairsPerPrompt = Int(env["PAIRS"] ?? "120")!
    settings.reward.epochs = Int(env["RM_EPOCHS"] ?? "5")!
    settings.ppo.entropyCoefficient = Float(env["ENT"] ?? "0.01")!
    settings.ppo.iterations = Int(env["ITERS"] ?? "60")!
    settings.ppo.learningRate = Float(env["LR"] ?? "3e-4")!
    let pipeline = try RLHFPipeline(settings)
    pipeline.log = { print($0) }
    try pipeline.prepare()
    for variant in (env["VARIANTS"] ?? "0.1:3e-4:0").split(separator: " ") {
        let parts = variant.split(separator: ":").map { Float($0)! }
        var ppoSettings = pipeline.settings.ppo
        ppoSettings.klCoefficient = parts[0]
        ppoSettings.learningRate = parts[1]
        ppoSettings.adaptiveKL = parts[2] > 0
        if parts[2] > 0 { ppoSettings.targetKL = parts[2]; ppoSettings.klHorizon = 200 }
        let ppo = try LanguagePPO(try pipeline.optimizationSetup(seed: 1), configuration: ppoSettings)
        try ppo.train { m in
            if m.iteration % 10 == 0 { print(String(format: "\(variant) it %d rm %.2f judge %.2f kl %.2f β %.3f len %.1f ent %.2f", m.iteration, m.rewardScore, m.judgeScore, m.kl, m.beta, m.responseLength, m.entropy)) }
            if m.iteration % 30 == 0 { print(m.samples) }
            return true
        }
    }
    print(pipeline.stageSeconds)
}
