import Foundation

/// A value while a chat template renders, with Jinja's (Python's) semantics for truth,
/// equality, printing and JSON.
indirect enum TemplateValue {
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    /// Keys in insertion order, as Python's dict.
    case dictionary([(key: String, value: TemplateValue)])
    /// `namespace(...)`: the one mutable value, shared by reference so loops can update it.
    case namespace(TemplateNamespace)
    /// A global function or a bound method, called with positional and keyword arguments.
    case function(String, TemplateFunction)

    var isTrue: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .list(let l): !l.isEmpty
        case .dictionary(let d): !d.isEmpty
        case .namespace, .function: true
        }
    }

    var isDefined: Bool { if case .undefined = self { false } else { true } }

    /// `str(x)` as Python prints it inside `{{ }}` (undefined prints nothing).
    var text: String {
        switch self {
        case .undefined: ""
        case .string(let s): s
        default: representation
        }
    }

    /// `repr(x)`, as Python shows values inside lists and dictionaries.
    var representation: String {
        switch self {
        case .undefined: ""
        case .none: "None"
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .double(let d): Self.python(d)
        case .string(let s): "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'").replacingOccurrences(of: "\n", with: "\\n") + "'"
        case .list(let l): "[" + l.map(\.representation).joined(separator: ", ") + "]"
        case .dictionary(let d): "{" + d.map { "'\($0.key)': \($0.value.representation)" }.joined(separator: ", ") + "}"
        case .namespace(let n): "<Namespace \(TemplateValue.dictionary(n.attributes).representation)>"
        case .function(let name, _): "<function \(name)>"
        }
    }

    /// Python's float printing: integral values keep one decimal (`2.0`).
    static func python(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(format: "%.1f", d) }
        return "\(d)"
    }

    /// `json.dumps(x, ensure_ascii=False)` (with `indent`, as transformers' `tojson` filter).
    func json(indent: Int?, level: Int = 0) -> String {
        let (newline, pad, inner) = indent.map { ("\n", String(repeating: " ", count: $0 * level), String(repeating: " ", count: $0 * (level + 1))) } ?? ("", "", "")
        let separator = indent == nil ? ", " : ","
        switch self {
        case .undefined, .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? Self.python(d) : (d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
        case .string(let s): return Self.jsonString(s)
        case .list(let l):
            guard !l.isEmpty else { return "[]" }
            return "[" + newline + l.map { inner + $0.json(indent: indent, level: level + 1) }.joined(separator: separator + newline) + newline + pad + "]"
        case .dictionary(let d):
            guard !d.isEmpty else { return "{}" }
            return "{" + newline + d.map { inner + Self.jsonString($0.key) + ": " + $0.value.json(indent: indent, level: level + 1) }.joined(separator: separator + newline)
                + newline + pad + "}"
        case .namespace(let n): return TemplateValue.dictionary(n.attributes).json(indent: indent, level: level)
        case .function: return "null"
        }
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Python's `==` across the types a template compares.
    static func equal(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): true
        case let (.bool(x), .bool(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.list(x), .list(y)): x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (.dictionary(x), .dictionary(y)): x.count == y.count && x.allSatisfy { entry in y.contains { $0.key == entry.key && equal($0.value, entry.value) } }
        default:
            if let x = a.number, let y = b.number { x == y } else { false }
        }
    }

    /// Numbers (and booleans, as Python counts them) as a Double.
    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }
}

extension TemplateValue: Decodable {
    /// A value from JSON (a chat message, a tool definition). Object keys come in sorted
    /// order, where Python would keep the file's: only `tojson` of an object can tell.
    init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [TemplateValue] = []
            while !array.isAtEnd { items.append(try array.decode(TemplateValue.self)) }
            self = .list(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            self = .dictionary(try object.allKeys.map(\.stringValue).sorted().map { ($0, try object.decode(TemplateValue.self, forKey: AnyKey(stringValue: $0)!)) })
            return
        }
        let value = try decoder.singleValueContainer()
        if value.decodeNil() { self = .none }
        else if let b = try? value.decode(Bool.self) { self = .bool(b) }
        else if let i = try? value.decode(Int.self) { self = .int(i) }
        else if let d = try? value.decode(Double.self) { self = .double(d) }
        else { self = .string(try value.decode(String.self)) }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

/// The state a `namespace()` holds. `@unchecked Sendable` is not claimed: templates render on
/// one thread, and a namespace never outlives its rendering.
final class TemplateNamespace {
    var attributes: [(key: String, value: TemplateValue)]
    init(_ attributes: [(key: String, value: TemplateValue)]) { self.attributes = attributes }

    subscript(name: String) -> TemplateValue {
        get { attributes.first { $0.key == name }?.value ?? .undefined }
        set {
            if let i = attributes.firstIndex(where: { $0.key == name }) { attributes[i].value = newValue } else { attributes.append((name, newValue)) }
        }
    }
}

/// A callable: positional arguments, then keyword arguments.
typealias TemplateFunction = ([TemplateValue], [(name: String, value: TemplateValue)]) throws -> TemplateValue
