/// Reference values from an independent implementation (Python, written from the
/// xoshiro256** and SplitMix64 papers, with the platform's log/cos), for seed 42, stream "pinned".
enum RandomPins {
    static let words: [UInt64] = [839312202099503603, 8513339450020298081, 3492768516402225962]
    static let normals: [Double] = [1.199381407550814, 0.9466765151644012, 0.3579834640742103]
}
