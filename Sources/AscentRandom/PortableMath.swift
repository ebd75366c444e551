/// log and sine/cosine built only from IEEE-754 basic operations, which every
/// conforming machine rounds identically. The platform's libm may differ in the
/// last bit between systems; random normals built on these functions do not.
public enum PortableMath {
    /// Natural logarithm for finite x > 0, to about 1 ulp.
    ///
    /// Writes x = m · 2^e with m in [√½, √2), then log m = 2 atanh(f) with
    /// f = (m - 1)/(m + 1), |f| ≤ 0.172, summed as an odd series to f^23.
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "PortableMath.log needs a finite positive argument")
        var m = x.significand  // [1, 2)
        var e = Double(x.exponent)
        if m > 2.0.squareRoot() { m *= 0.5; e += 1 }
        let f = (m - 1) / (m + 1)
        let f2 = f * f
        var term = f
        var sum = 0.0
        var k = 1.0
        while k <= 23 {
            sum += term / k
            term *= f2
            k += 2
        }
        return 2 * sum + e * 0.6931471805599453094
    }

    /// e^x for finite x, to about 1 ulp (0 below −745, +∞ above 709.8).
    ///
    /// Writes x = k ln 2 + r with |r| ≤ ln 2 / 2 and sums the Taylor series of e^r to r^16,
    /// then scales by 2^k exactly.
    public static func exp(_ x: Double) -> Double {
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x / 0.6931471805599453094).rounded(.toNearestOrEven)
        let r = x - k * 0.6931471805599453094
        var term = 1.0, sum = 1.0
        for n in 1...16 {
            term *= r / Double(n)
            sum += term
        }
        // Scale in two halves so 2^k never overflows or underflows on its own.
        let half = Int(k) / 2
        return sum * Double(sign: .plus, exponent: half, significand: 1) * Double(sign: .plus, exponent: Int(k) - half, significand: 1)
    }

    /// (cos 2πu, sin 2πu) for u in [0, 1).
    ///
    /// Folds u into an octant so the Taylor series runs on |r| ≤ π/4, where
    /// terms to r^17 reach double precision.
    public static func cosSinTwoPi(_ u: Double) -> (cos: Double, sin: Double) {
        let scaled = u * 4            // quarter turns
        let quadrant = Int(scaled.rounded(.toNearestOrEven)) & 3
        let r = (scaled - scaled.rounded(.toNearestOrEven)) * (Double.pi / 2)  // |r| ≤ π/4
        let r2 = r * r
        var s = 0.0, c = 0.0
        var sinTerm = r, cosTerm = 1.0
        var n = 1.0
        for _ in 0..<9 {
            s += sinTerm
            c += cosTerm
            sinTerm *= -r2 / ((n + 1) * (n + 2))
            cosTerm *= -r2 / (n * (n + 1))
            n += 2
        }
        switch quadrant {
        case 0: return (c, s)
        case 1: return (-s, c)
        case 2: return (-c, -s)
        default: return (s, -c)
        }
    }
}
