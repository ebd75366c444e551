/// A generator saved as `{"words": ["…", "…", "…", "…"], "spare": x}`: the four xoshiro
/// words as decimal strings (JSON numbers lose precision above 2⁵³) and the pending normal
/// (absent when there is none). Decoding refuses anything but four valid, not all-zero words.
extension RandomGenerator: Codable {
    private enum CodingKeys: String, CodingKey { case words, spare }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([String].self, forKey: .words).compactMap(UInt64.init)
        guard words.count == 4, words != [0, 0, 0, 0] else {
            throw DecodingError.dataCorruptedError(forKey: .words, in: container,
                                                   debugDescription: "a random generator needs four 64-bit words, not all zero")
        }
        self.init(state: (words[0], words[1], words[2], words[3]), spareNormal: try container.decodeIfPresent(Double.self, forKey: .spare))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([state.0, state.1, state.2, state.3].map { String($0) }, forKey: .words)
        try container.encodeIfPresent(spareNormal, forKey: .spare)
    }
}
