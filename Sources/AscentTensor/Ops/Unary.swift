import AscentKernels
extension Tensor {
    /// Applies `forward` elementwise; the backward pass adds `grad * derivative(x, y)`.
    @inline(__always)
    func mapElements(
        _ forward: (Float) -> Float,
        derivative: @escaping (_ x: Float, _ y: Float) -> Float
    ) -> Tensor {
        let out = TensorStorage(uninitializedCount: count)
        let x = storage.pointer, y = out.pointer
        for i in 0..<count { y[i] = forward(x[i]) }
        return .result(shape: shape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                let g = grad.pointer
                for i in 0..<count { gx[i] += g[i] * derivative(x[i], y[i]) }
            }
        })
    }

    /// Elementwise negation.
    public static prefix func - (x: Tensor) -> Tensor { x.mapElements({ -$0 }, derivative: { _, _ in -1 }) }

    /// e^x. Uses the vectorised kernel (about 1 ulp).
    public func exp() -> Tensor {
        let out = TensorStorage(uninitializedCount: count)
        ascent_vexp(storage.pointer, out.pointer, count)
        return .result(shape: shape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                let g = grad.pointer, y = out.pointer
                for i in 0..<count { gx[i] += g[i] * y[i] }
            }
        })
    }

    /// Natural logarithm; d/dx = 1/x.
    public func log() -> Tensor { mapElements({ Libm.logf($0) }, derivative: { x, _ in 1 / x }) }

    /// Square root; d/dx = 1 / (2 sqrt x).
    public func sqrt() -> Tensor { mapElements({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }

    /// Elementwise power with a constant exponent; d/dx = p x^(p-1).
    public func pow(_ exponent: Float) -> Tensor {
        if exponent == 2 { return mapElements({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
        return mapElements({ Libm.powf($0, exponent) },
                           derivative: { x, _ in exponent * Libm.powf(x, exponent - 1) })
    }

    /// |x|; the gradient at 0 is 0 (the subgradient PyTorch uses).
    public func abs() -> Tensor {
        mapElements({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }

    /// Hyperbolic tangent. Uses the vectorised kernel; backward uses 1 - y².
    public func tanh() -> Tensor {
        let out = TensorStorage(uninitializedCount: count)
        ascent_vtanh(storage.pointer, out.pointer, count)
        return .result(shape: shape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradientOrWrite { gx, beta in ascent_vtanh_backward(out.pointer, grad.pointer, gx, count, beta) }
        })
    }

    /// Logistic sigmoid 1 / (1 + e^-x), computed without overflow; d/dx = y (1 - y).
    public func sigmoid() -> Tensor {
        mapElements({ x in
            x >= 0 ? 1 / (1 + Libm.expf(-x)) : Libm.expf(x) / (1 + Libm.expf(x))
        }, derivative: { _, y in y * (1 - y) })
    }

    /// SiLU (swish) x σ(x), the gate of the Llama family's SwiGLU MLP;
    /// d/dx = σ(x) (1 + x (1 − σ(x))).
    public func silu() -> Tensor {
        func sigma(_ x: Float) -> Float { x >= 0 ? 1 / (1 + Libm.expf(-x)) : Libm.expf(x) / (1 + Libm.expf(x)) }
        return mapElements({ x in x * sigma(x) }, derivative: { x, _ in
            let s = sigma(x)
            return s * (1 + x * (1 - s))
        })
    }

    /// max(x, 0); the gradient at 0 is 0.
    public func relu() -> Tensor { mapElements({ $0 <= 0 ? 0 : $0 }, derivative: { x, _ in x > 0 ? 1 : 0 }) }

    /// How ``gelu(approximation:)`` evaluates the Gaussian CDF.
    public enum GELUApproximation: Sendable { case none, tanh }

    /// Gaussian error linear unit x Φ(x). `.tanh` is the approximation GPT-2 uses
    /// (0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))); `.none` uses erf.
    public func gelu(approximation: GELUApproximation = .tanh) -> Tensor {
        switch approximation {
        case .none:
            return mapElements({ x in 0.5 * x * (1 + Libm.erff(x / Float(2).squareRoot())) }, derivative: { x, _ in
                let cdf = 0.5 * (1 + Libm.erff(x / Float(2).squareRoot()))
                let pdf = Libm.expf(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
                return cdf + x * pdf
            })
        case .tanh:
            // 0.5 x (1 + tanh u), u = √(2/π) (x + 0.044715 x³), with tanh from the vectorised
            // kernel (glibc's scalar tanhf made GELU a fifth of a transformer's training step).
            let c = Float((2 / Double.pi).squareRoot())
            let n = count, x = storage.pointer
            let t = TensorStorage(uninitializedCount: n), out = TensorStorage(uninitializedCount: n)
            for i in 0..<n { t.pointer[i] = c * (x[i] + 0.044715 * x[i] * x[i] * x[i]) }
            ascent_vtanh_inplace(t.pointer, n)
            for i in 0..<n { out.pointer[i] = 0.5 * x[i] * (1 + t.pointer[i]) }
            return .result(shape: shape, storage: out, input: self, backward: { [self] grad in
                self.accumulateGradient { gx in
                    let g = grad.pointer, tp = t.pointer
                    for i in 0..<n {
                        let xi = x[i], ti = tp[i]
                        gx[i] += g[i] * (0.5 * (1 + ti) + 0.5 * xi * (1 - ti * ti) * c * (1 + 3 * 0.044715 * xi * xi))
                    }
                }
            })
        }
    }

    /// log(1 + e^x), computed stably as max(x, 0) + log1p(e^-|x|); d/dx = sigmoid(x).
    public func softplus() -> Tensor {
        mapElements({ x in Swift.max(x, 0) + Libm.log1pf(Libm.expf(-Swift.abs(x))) }, derivative: { x, _ in
            x >= 0 ? 1 / (1 + Libm.expf(-x)) : Libm.expf(x) / (1 + Libm.expf(x))
        })
    }

    /// Limits every element to `[min, max]`; the gradient passes where min ≤ x ≤ max (as PyTorch).
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        precondition(!(low > high), "clamped: min \(low) is greater than max \(high)")
        return mapElements({ Swift.min(Swift.max($0, low), high) },
                           derivative: { x, _ in x >= low && x <= high ? 1 : 0 })
    }

    /// Adds a constant to every element.
    public static func + (x: Tensor, c: Float) -> Tensor { x.mapElements({ $0 + c }, derivative: { _, _ in 1 }) }
    public static func + (c: Float, x: Tensor) -> Tensor { x + c }
    public static func - (x: Tensor, c: Float) -> Tensor { x + (-c) }
    public static func - (c: Float, x: Tensor) -> Tensor { x.mapElements({ c - $0 }, derivative: { _, _ in -1 }) }
    /// Multiplies every element by a constant.
    public static func * (x: Tensor, c: Float) -> Tensor { x.mapElements({ $0 * c }, derivative: { _, _ in c }) }
    public static func * (c: Float, x: Tensor) -> Tensor { x * c }
    public static func / (x: Tensor, c: Float) -> Tensor { x * (1 / c) }
    public static func / (c: Float, x: Tensor) -> Tensor {
        x.mapElements({ c / $0 }, derivative: { x, _ in -c / (x * x) })
    }
}
