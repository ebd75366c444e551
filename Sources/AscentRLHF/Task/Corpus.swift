import Foundation

/// A user's own pre-training corpus: one document per line of a UTF-8 text file.
public enum Corpus {
    /// The lines of `data`. Empty (or whitespace-only) lines and lines that are not valid UTF-8
    /// are errors listing their line numbers, so a broken file is never half-used.
    public static func lines(of data: Data) throws -> [String] {
        var lines: [String] = [], empty: [Int] = [], invalid: [Int] = []
        let bytes = [UInt8](data)
        var start = 0, number = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            number += 1
            var slice = bytes[start..<end]
            if slice.last == 0x0D { slice = slice.dropLast() }  // CRLF
            if end == bytes.count && slice.isEmpty && number > 1 { break }  // the final newline
            if let text = String(validating: slice, as: UTF8.self) {
                if text.trimmingCharacters(in: .whitespaces).isEmpty { empty.append(number) } else { lines.append(text) }
            } else {
                invalid.append(number)
            }
            start = end + 1
        }
        func list(_ numbers: [Int]) -> String {
            numbers.prefix(10).map(String.init).joined(separator: ", ") + (numbers.count > 10 ? " and \(numbers.count - 10) more" : "")
        }
        var problems: [String] = []
        if !empty.isEmpty { problems.append("empty lines \(list(empty))") }
        if !invalid.isEmpty { problems.append("lines that are not valid UTF-8: \(list(invalid))") }
        guard problems.isEmpty else {
            throw RLHFError.invalidInput("the corpus has " + problems.joined(separator: "; ") + " (one document per line, UTF-8, no blank lines)")
        }
        guard !lines.isEmpty else { throw RLHFError.invalidInput("the corpus is empty") }
        return lines
    }
}
