import ArgumentParser
import AscentRLHF
import Foundation

struct BenchGPT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpt",
        abstract: "Tiny GPT-2 tokens per second: training (forward, backward, AdamW) and KV-cache generation.",
        discussion: "The RLHF demo's model (vocabulary 400, context 64, width 64, 2 layers, 4 heads). bench/gpt_speed.sh runs this and the same model in PyTorch (bench/torch_gpt.py) in the same run."
    )

    @Flag(help: "Print a JSON array of {name, value, unit} records.") var json = false
    @Option(help: "Runs; the median is reported.") var runs = 5

    func run() throws {
        var training: [Double] = [], generation: [Double] = []
        for run in 0..<runs {
            training.append(try cliErrors { try GPTBenchmark.trainingTokensPerSecond(seed: UInt64(run) + 1) })
            generation.append(try cliErrors { try GPTBenchmark.generationTokensPerSecond(seed: UInt64(run) + 1) })
        }
        BenchmarkOutput.emit([
            BenchmarkRecord(name: "gpt training, batch 32 x 48 tokens", value: BenchmarkOutput.median(training), unit: "tokens/s"),
            BenchmarkRecord(name: "gpt generation with KV cache, 16 prompts x 48 tokens", value: BenchmarkOutput.median(generation), unit: "tokens/s"),
        ], json: json)
    }
}
