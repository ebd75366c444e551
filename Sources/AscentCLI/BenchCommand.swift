import ArgumentParser
import AscentTensor

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Ascent's speed on this machine.",
        subcommands: [BenchTensor.self, BenchEnvs.self, BenchMuJoCo.self, BenchPPO.self, BenchSAC.self, BenchGPT.self]
    )
}

struct BenchTensor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Matrix-multiply GFLOP/s (single thread) and the cost of a full MLP training step.",
        discussion: """
        Run a release build (swift run -c release ascent bench tensor). Built with \
        --traits OpenBLAS, OpenBLAS's cblas_sgemm is timed in the same run for comparison; \
        unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for that run (bench/tensor.sh does).
        """
    )

    @Flag(help: "Print a JSON array of {name, value, unit} records.")
    var json = false

    @Option(help: "Measurements per figure; the median is reported.")
    var runs = 5

    @Option(help: "Force Ascent's kernels to an instruction-set level: \(TensorBenchmark.instructionSets.joined(separator: ", ")) (default: the best this CPU supports).")
    var isa: String?

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive, got \(runs)") }
        if let isa, !TensorBenchmark.instructionSets.contains(isa) {
            throw ValidationError("--isa must be one of \(TensorBenchmark.instructionSets.joined(separator: ", ")); got '\(isa)'")
        }
    }

    func run() {
        if let isa { TensorBenchmark.useInstructionSet(isa) }
        var records: [BenchmarkRecord] = []
        let shapes = [(64, 3, 64), (2048, 64, 64), (256, 256, 256), (512, 1024, 256)]
        for (m, k, n) in shapes {
            var gflops: [TensorBenchmark.GEMMImplementation: Double] = [:]
            for implementation in TensorBenchmark.GEMMImplementation.available {
                let seconds = BenchmarkOutput.median(runs: runs) {
                    TensorBenchmark.gemmSeconds(m: m, n: n, k: k, implementation: implementation)
                }
                gflops[implementation] = 2 * Double(m * n * k) / seconds / 1e9
                let name = "matmul \(m)x\(k)·\(k)x\(n) \(implementation == .ascent ? TensorBenchmark.ascentKernelName : "openblas")"
                records.append(BenchmarkRecord(name: name, value: gflops[implementation]!, unit: "GFLOP/s"))
            }
            if let ours = gflops[.ascent], let theirs = gflops[.openBLAS] {
                records.append(BenchmarkRecord(name: "matmul \(m)x\(k)·\(k)x\(n) ascent / openblas", value: ours / theirs, unit: "x"))
            }
        }
        for fusedLoss in [true, false] {
            var ratios: [Double] = [], stepTimes: [Double] = [], matmulTimes: [Double] = []
            for _ in 0..<runs {
                let (step, matmuls) = TensorBenchmark.mlpStep(sizes: [3, 64, 64, 1], batch: 64, fusedLoss: fusedLoss)
                stepTimes.append(step)
                matmulTimes.append(matmuls)
                ratios.append(step / matmuls)
            }
            if fusedLoss {
                records.append(BenchmarkRecord(name: "mlp 3-64-64-1 tanh batch 64 train step (\(MatmulBackend.name))", value: BenchmarkOutput.median(stepTimes) * 1e6, unit: "µs"))
                records.append(BenchmarkRecord(name: "mlp same step, matmuls only", value: BenchmarkOutput.median(matmulTimes) * 1e6, unit: "µs"))
                records.append(BenchmarkRecord(name: "mlp step / matmuls", value: BenchmarkOutput.median(ratios), unit: "x"))
            } else {
                records.append(BenchmarkRecord(name: "mlp step / matmuls, loss as (y - t).pow(2).mean()", value: BenchmarkOutput.median(ratios), unit: "x"))
            }
        }
        BenchmarkOutput.emit(records, json: json)
    }
}
