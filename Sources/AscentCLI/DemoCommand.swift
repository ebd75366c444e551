import ArgumentParser
import AscentTensor
import Foundation

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a small network with the tensor engine and save it as a safetensors checkpoint.",
        discussion: "Fits y = sin(3x) on [-1, 1] with a tanh MLP and Adam, printing progress, then writes <out>/model.safetensors."
    )

    @Option(help: "Training steps.") var steps = 2000
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-2
    @Option(help: "Hidden layer sizes, comma separated.") var hidden = "32,32"
    @Option(help: "Output directory.") var out = "runs/demo"

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard learningRate.isFinite, learningRate > 0 else { throw ValidationError("--learning-rate must be a positive number, got \(learningRate)") }
        guard hiddenSizes != nil else { throw ValidationError("--hidden must be positive integers separated by commas, e.g. 32,32; got '\(hidden)'") }
    }

    var hiddenSizes: [Int]? {
        let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return sizes.compactMap { $0 }
    }

    func run() throws {
        var generator = RandomGenerator(seed: seed, stream: "demo")
        let model = MLP(sizes: [1] + hiddenSizes! + [1], activation: .tanh, generator: &generator)
        let xs = (0..<256).map { Float($0) / 127.5 - 1 }
        let x = Tensor(shape: [xs.count, 1], xs), y = Tensor(shape: [xs.count, 1], xs.map { sinf(3 * $0) })
        let optimizer = Adam(model.namedParameters(), learningRate: learningRate)
        let schedule = LearningRateSchedule.cosine(peak: learningRate, minimum: learningRate / 20, steps: steps)
        var progress = ProgressLine(total: steps, unit: "steps")
        var loss: Float = .nan
        for step in 0..<steps {
            optimizer.learningRate = schedule.value(atStep: step)
            optimizer.zeroGradients()
            let objective = model(x).meanSquaredError(y)
            objective.backward()
            optimizer.step()
            loss = objective.item
            guard loss.isFinite else { throw ValidationError("loss became \(loss) at step \(step); try a smaller --learning-rate") }
            progress.update(done: step + 1, detail: String(format: "mse %.2e", loss), force: step + 1 == steps)
        }
        progress.finish()
        let url = URL(fileURLWithPath: out).appendingPathComponent("model.safetensors")
        try SafeTensors(tensors: model.stateDictionary(), metadata: [
            "ascent_version": AscentVersion.string, "task": "fit sin(3x)", "steps": "\(steps)", "seed": "\(seed)",
            "final_mse": "\(loss)",
        ]).write(to: url)
        print(String(format: "final mean squared error %.2e (%d parameters); saved %@", loss, model.parameterCount, url.path))
    }
}
