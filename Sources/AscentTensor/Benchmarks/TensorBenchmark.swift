import AscentKernels
#if OpenBLAS
import COpenBLAS
#endif

/// Timing routines behind `ascent bench tensor`. Each returns seconds per call,
/// measured over enough repetitions to last about `budget` seconds after a warm-up.
public enum TensorBenchmark {
    /// Name of Ascent's own kernels at the instruction-set level in use, e.g. `ascent-avx512`.
    public static var ascentKernelName: String {
        "ascent-\(String(cString: ascent_kernels_isa_name(ascent_kernels_isa())))"
    }

    /// Instruction-set levels of Ascent's kernels, best first.
    public static let instructionSets = ["avx512", "avx2", "portable"]

    /// The level in use, one of ``instructionSets``.
    public static var instructionSetInUse: String {
        switch ascent_kernels_isa() {
        case Int32(ASCENT_ISA_AVX512.rawValue): "avx512"
        case Int32(ASCENT_ISA_AVX2.rawValue): "avx2"
        default: "portable"
        }
    }

    /// Makes the kernels use `name` (one of ``instructionSets``, clamped to what the CPU
    /// supports) and returns the level now in use, to compare the code paths on one machine.
    @discardableResult
    public static func useInstructionSet(_ name: String) -> String {
        let level: Int32 = switch name {
        case "avx512": Int32(ASCENT_ISA_AVX512.rawValue)
        case "avx2": Int32(ASCENT_ISA_AVX2.rawValue)
        default: Int32(ASCENT_ISA_PORTABLE.rawValue)
        }
        return String(cString: ascent_kernels_isa_name(ascent_kernels_force_isa(level)))
    }

    /// Matrix-multiply implementations this build can time side by side.
    public enum GEMMImplementation: String, CaseIterable, Sendable {
        /// Ascent's C kernels at the best instruction-set level this CPU supports.
        case ascent
        /// `cblas_sgemm` from the system OpenBLAS (only in builds with the `OpenBLAS` trait).
        case openBLAS

        public static var available: [GEMMImplementation] {
            #if OpenBLAS
            return [.ascent, .openBLAS]
            #else
            return [.ascent]
            #endif
        }
    }

    /// Seconds per `[m, k] · [k, n]` product.
    public static func gemmSeconds(m: Int, n: Int, k: Int, implementation: GEMMImplementation,
                                   budget: Double = 0.2) -> Double {
        var generator = RandomGenerator(seed: 1, stream: "bench-gemm")
        let a = Tensor.randomUniform([m, k], low: -1, high: 1, generator: &generator)
        let b = Tensor.randomUniform([k, n], low: -1, high: 1, generator: &generator)
        let c = TensorStorage(uninitializedCount: m * n)
        let pa = a.storage.pointer, pb = b.storage.pointer
        return secondsPerCall(budget: budget) {
            switch implementation {
            case .ascent:
                ascent_sgemm(0, 0, m, n, k, 1, pa, k, pb, n, 0, c.pointer, n)
            case .openBLAS:
                #if OpenBLAS
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, pa, Int32(k), pb, Int32(n), 0, c.pointer, Int32(n))
                #else
                preconditionFailure("OpenBLAS comparison needs a build with --traits OpenBLAS")
                #endif
            }
        }
    }

    /// One full training step of an MLP (forward, mean-squared loss, backward,
    /// Adam), and the time of just the matrix products that step performs. The loss is the
    /// fused `meanSquaredError`, or with `fusedLoss: false` the same loss written as
    /// `(y - target).pow(2).mean()` (three recorded ops).
    public static func mlpStep(sizes: [Int], batch: Int, fusedLoss: Bool = true, budget: Double = 0.3)
        -> (stepSeconds: Double, matmulSeconds: Double) {
        var generator = RandomGenerator(seed: 2, stream: "bench-mlp")
        let model = MLP(sizes: sizes, activation: .tanh, hiddenInitializer: .orthogonal(gain: Float(2).squareRoot()), generator: &generator)
        let optimizer = Adam(model.namedParameters(), learningRate: 3e-4, epsilon: 1e-5)
        let x = Tensor.randomNormal([batch, sizes[0]], generator: &generator)
        let target = Tensor.randomNormal([batch, sizes.last!], generator: &generator)
        let step = secondsPerCall(budget: budget) {
            optimizer.zeroGradients()
            let y = model(x)
            (fusedLoss ? y.meanSquaredError(target) : (y - target).pow(2).mean()).backward()
            optimizer.step()
        }
        // The same products on preallocated buffers: forward x·Wᵀ, backward dW = Gᵀ·X and dX = G·W
        // (the first layer's dX is not needed).
        let largest = sizes.max()!
        let buffers = (0..<4).map { _ in TensorStorage(repeating: 0.5, count: batch * largest) }
        let weights = model.layers.map { $0.weight.value.storage.pointer }
        let matmuls = secondsPerCall(budget: budget) {
            for (i, w) in weights.enumerated() {
                let (inputs, outputs) = (sizes[i], sizes[i + 1])
                gemm(transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs,
                     a: buffers[0].pointer, lda: inputs, b: w, ldb: inputs, beta: 1, c: buffers[1].pointer, ldc: outputs)
                gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
                     a: buffers[1].pointer, lda: outputs, b: buffers[0].pointer, ldb: inputs, beta: 1, c: buffers[2].pointer, ldc: inputs)
                if i > 0 {
                    gemm(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                         a: buffers[1].pointer, lda: outputs, b: w, ldb: inputs, beta: 1, c: buffers[3].pointer, ldc: inputs)
                }
            }
        }
        return (step, matmuls)
    }

    /// Seconds per call of `body`: warm up, then time enough calls to fill `budget`.
    public static func secondsPerCall(budget: Double, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        for _ in 0..<3 { body() }
        var calls = 1
        while true {
            let elapsed = clock.measure { for _ in 0..<calls { body() } }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if seconds >= budget || calls >= 1 << 30 { return seconds / Double(calls) }
            calls = seconds < budget / 100 ? calls * 10 : Int(Double(calls) * budget / seconds) + 1
        }
    }
}
