/// GPT-2's pre-tokenisation: text is split into pieces that BPE merges never cross, by the
/// rules of GPT-2's pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// written out by hand so it works on any bytes: valid UTF-8 is split by Unicode category,
/// and each byte that is not valid UTF-8 counts as a symbol of its own kind, so
/// `pieces(of:)` always returns slices that concatenate back to the input.
enum PreTokenizer {
    private enum Kind: Equatable { case letter, number, space, other }

    /// One scalar (or one invalid byte) with its byte range.
    private struct Unit {
        let kind: Kind
        let range: Range<Int>
        let isApostrophe: Bool
    }

    static func pieces(of bytes: [UInt8]) -> [Range<Int>] {
        let units = decode(bytes)
        var result: [Range<Int>] = []
        var i = 0
        while i < units.count {
            // Contractions: 's 't 're 've 'm 'll 'd (lower case, as GPT-2).
            if units[i].isApostrophe, let length = contraction(bytes, units: units, at: i) {
                result.append(units[i].range.lowerBound..<units[i + length].range.upperBound)
                i += length + 1
                continue
            }
            let start = i
            var kind = units[i].kind
            // An optional single leading space joins a following letter/number/other run.
            if kind == .space, bytes[units[i].range.lowerBound] == 0x20, i + 1 < units.count, units[i + 1].kind != .space {
                i += 1
                kind = units[i].kind
            }
            if kind == .space {
                // A run of whitespace; if followed by non-space, leave its last character for the next piece.
                var end = i
                while end < units.count && units[end].kind == .space { end += 1 }
                if end < units.count && end - i > 1 { end -= 1 }
                result.append(units[start].range.lowerBound..<units[end - 1].range.upperBound)
                i = end
                continue
            }
            var end = i + 1
            while end < units.count && units[end].kind == kind { end += 1 }
            result.append(units[start].range.lowerBound..<units[end - 1].range.upperBound)
            i = end
        }
        return result
    }

    /// How many units after an apostrophe at `index` form a contraction (1 or 2), if any.
    private static func contraction(_ bytes: [UInt8], units: [Unit], at index: Int) -> Int? {
        func letter(_ k: Int) -> UInt8? {
            guard index + k < units.count, units[index + k].range.count == 1 else { return nil }
            return bytes[units[index + k].range.lowerBound]
        }
        if let a = letter(1), let b = letter(2), (a, b) == (0x72, 0x65) || (a, b) == (0x76, 0x65) || (a, b) == (0x6C, 0x6C) { return 2 }  // re ve ll
        if let a = letter(1), [0x73, 0x74, 0x6D, 0x64].contains(a) { return 1 }  // s t m d
        return nil
    }

    /// UTF-8 decoding into classified units; invalid bytes become one-byte `other` units.
    private static func decode(_ bytes: [UInt8]) -> [Unit] {
        var units: [Unit] = []
        units.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let (scalar, length) = scalarAt(bytes, i)
            let kind: Kind
            switch scalar?.properties.generalCategory {
            case _ where scalar?.properties.isWhitespace == true: kind = .space
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: kind = .letter
            case .decimalNumber, .letterNumber, .otherNumber: kind = .number
            default: kind = .other
            }
            units.append(Unit(kind: kind, range: i..<(i + length), isApostrophe: scalar == "'"))
            i += length
        }
        return units
    }

    /// The scalar starting at `i` and its length, or nil and 1 for an invalid byte.
    private static func scalarAt(_ bytes: [UInt8], _ i: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[i]
        let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
        guard length > 0, i + length <= bytes.count else { return (nil, 1) }
        var decoder = UTF8()
        var iterator = bytes[i..<(i + length)].makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.utf8.count == length { return (scalar, length) }
        return (nil, 1)
    }
}
