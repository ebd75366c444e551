import Foundation

/// Renders a parsed template: Jinja's scoping (a `for` body has its own scope, so `set` inside
/// a loop does not leak out; a namespace does), its operators, and the filters, tests and
/// string and dictionary methods chat templates use.
struct TemplateRenderer {
    var scopes: [[String: TemplateValue]] = [[:]]
    var output = ""
    /// Characters a rendering or any string it builds may reach: a conversation's text is far
    /// smaller, so a template that grows past this (`'x' * 10**9`) is refused, not obeyed.
    static let maximumLength = 50_000_000

    /// Thrown through the loop body by `break` and `continue`.
    private enum LoopSignal: Error { case breaking, continuing }

    mutating func render(_ nodes: [TemplateNode]) throws {
        for node in nodes {
            switch node {
            case .text(let t): output += t
            case .output(let e): output += try evaluate(e).text
            case .branches(let branches):
                for branch in branches where try branch.condition.map({ try evaluate($0).isTrue }) ?? true {
                    try render(branch.body)
                    break
                }
            case let .loop(targets, over, condition, body, otherwise):
                try loop(targets: targets, over: try evaluate(over), condition: condition, body: body, otherwise: otherwise)
                guard output.utf8.count <= Self.maximumLength else {
                    throw RLHFError.invalidInput("chat template: the rendering grew past \(Self.maximumLength) characters")
                }
            case let .assign(target, attribute, value):
                let v = try evaluate(value)
                if let attribute {
                    guard case .namespace(let namespace) = lookup(target) else {
                        throw RLHFError.invalidInput("chat template: '{% set \(target).\(attribute) %}' needs \(target) to be a namespace()")
                    }
                    namespace[attribute] = v
                } else {
                    scopes[scopes.count - 1][target] = v
                }
            case .loopControl(let breaks): throw breaks ? LoopSignal.breaking : LoopSignal.continuing
            }
        }
    }

    private mutating func loop(targets: [String], over sequence: TemplateValue, condition: TemplateExpression?, body: [TemplateNode],
                               otherwise: [TemplateNode]) throws {
        var items: [TemplateValue]
        switch sequence {
        case .list(let l): items = l
        case .dictionary(let d): items = d.map { .string($0.key) }
        case .string(let s): items = s.map { .string(String($0)) }
        case .undefined, .none: items = []
        default: throw RLHFError.invalidInput("chat template: cannot loop over \(sequence.representation)")
        }
        func bind(_ item: TemplateValue, into scope: inout [String: TemplateValue]) throws {
            guard targets.count > 1 else { scope[targets[0]] = item; return }
            guard case .list(let parts) = item, parts.count == targets.count else {
                throw RLHFError.invalidInput("chat template: cannot unpack \(item.representation) into \(targets.joined(separator: ", "))")
            }
            for (name, part) in zip(targets, parts) { scope[name] = part }
        }
        if let condition {  // `for x in xs if cond`: the loop sees only the items that pass
            items = try items.filter { item in
                scopes.append([:]); defer { scopes.removeLast() }
                try bind(item, into: &scopes[scopes.count - 1])
                return try evaluate(condition).isTrue
            }
        }
        guard !items.isEmpty else { try render(otherwise); return }
        for (index, item) in items.enumerated() {
            var scope: [String: TemplateValue] = [:]
            try bind(item, into: &scope)
            scope["loop"] = .dictionary([
                ("index", .int(index + 1)), ("index0", .int(index)), ("first", .bool(index == 0)), ("last", .bool(index == items.count - 1)),
                ("length", .int(items.count)), ("revindex", .int(items.count - index)), ("revindex0", .int(items.count - index - 1)),
                ("previtem", index > 0 ? items[index - 1] : .undefined), ("nextitem", index + 1 < items.count ? items[index + 1] : .undefined),
            ])
            scopes.append(scope)
            defer { scopes.removeLast() }
            do { try render(body) } catch LoopSignal.breaking { break } catch LoopSignal.continuing { continue }
        }
    }

    func lookup(_ name: String) -> TemplateValue {
        for scope in scopes.reversed() { if let v = scope[name] { return v } }
        return Self.globals[name] ?? .undefined
    }

    /// transformers' globals (built on use: closures are not shared between threads).
    static var globals: [String: TemplateValue] { [
        "raise_exception": .function("raise_exception") { arguments, _ in
            throw RLHFError.invalidInput("the chat template refused the conversation: \(arguments.first?.text ?? "")")
        },
        "strftime_now": .function("strftime_now") { arguments, _ in
            var now = time(nil), parts = tm()
            localtime_r(&now, &parts)
            var buffer = [CChar](repeating: 0, count: 256)  // CChar: signed on x86, unsigned on Linux/ARM
            let count = strftime(&buffer, buffer.count, arguments.first?.text ?? "", &parts)
            return .string(String(decoding: buffer.prefix(count).map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self))
        },
        "namespace": .function("namespace") { _, keywords in .namespace(TemplateNamespace(keywords.map { ($0.name, $0.value) })) },
    ] }

    // MARK: Expressions

    func evaluate(_ e: TemplateExpression) throws -> TemplateValue {
        switch e {
        case .literal(let v): return v
        case .name(let n): return lookup(n)
        case .list(let items): return .list(try items.map(evaluate))
        case .dictionary(let pairs): return .dictionary(try pairs.map { (try evaluate($0.0).text, try evaluate($0.1)) })
        case let .attribute(base, name): return try Self.attribute(try evaluate(base), name)
        case let .item(base, index): return try Self.item(try evaluate(base), try evaluate(index))
        case let .slice(base, start, end, step):
            return try Self.slice(try evaluate(base), try start.map(evaluate), try end.map(evaluate), try step.map(evaluate))
        case let .call(function, arguments, keywords):
            guard case .function(_, let body) = try evaluate(function) else { throw RLHFError.invalidInput("chat template: \(function) is not a function") }
            return try body(try arguments.map(evaluate), try keywords.map { ($0.0, try evaluate($0.1)) })
        case let .filter(base, name, arguments, keywords):
            return try Self.filter(name, try evaluate(base), try arguments.map(evaluate), try keywords.map { ($0.0, try evaluate($0.1)) })
        case let .test(base, name, arguments, negated):
            return .bool(try Self.test(name, try evaluate(base), try arguments.map(evaluate)) != negated)
        case let .unary(op, operand):
            let v = try evaluate(operand)
            if op == "not" { return .bool(!v.isTrue) }
            if case .int(let i) = v { return .int(0 &- i) }  // wraps at Int.min, as the other integer operators do
            guard let d = v.number else { throw RLHFError.invalidInput("chat template: cannot negate \(v.representation)") }
            return .double(-d)
        case let .binary(op, left, right):
            let l = try evaluate(left)
            if op == "and" { return l.isTrue ? try evaluate(right) : l }
            if op == "or" { return l.isTrue ? l : try evaluate(right) }
            return try Self.binary(op, l, try evaluate(right))
        case let .conditional(value, condition, otherwise):
            return try evaluate(condition).isTrue ? try evaluate(value) : try otherwise.map(evaluate) ?? .undefined
        }
    }

    static func binary(_ op: String, _ l: TemplateValue, _ r: TemplateValue) throws -> TemplateValue {
        switch op {
        case "==": return .bool(TemplateValue.equal(l, r))
        case "!=": return .bool(!TemplateValue.equal(l, r))
        case "~": return .string(try bounded(l.text + r.text))
        case "in":
            switch r {
            case .string(let s): return .bool(s.contains(l.text) || l.text.isEmpty)
            case .list(let items): return .bool(items.contains { TemplateValue.equal($0, l) })
            case .dictionary(let d): return .bool(d.contains { $0.key == l.text })
            case .namespace(let n): return .bool(n.attributes.contains { $0.key == l.text })
            default: return .bool(false)
            }
        case "+":
            switch (l, r) {
            case let (.string(a), .string(b)): return .string(try bounded(a + b))
            case let (.list(a), .list(b)):
                guard a.count + b.count <= maximumLength / 1_000 else { throw RLHFError.invalidInput("chat template: a list grew past \(maximumLength / 1_000) items") }
                return .list(a + b)
            default: break
            }
        case "<", ">", "<=", ">=":
            if case let (.string(a), .string(b)) = (l, r) {
                return .bool(op == "<" ? a < b : op == ">" ? a > b : op == "<=" ? a <= b : a >= b)
            }
            if let a = l.number, let b = r.number { return .bool(op == "<" ? a < b : op == ">" ? a > b : op == "<=" ? a <= b : a >= b) }
        default: break
        }
        if case let (.int(a), .int(b)) = (l, r) {
            switch op {
            case "+": return .int(a &+ b)
            case "-": return .int(a &- b)
            case "*": return .int(a &* b)
            case "%" where b != 0:  // Python's sign convention: the remainder takes the divisor's sign
                guard b != -1 else { return .int(0) }
                let r = a % b
                return .int(r != 0 && (r < 0) != (b < 0) ? r &+ b : r)
            case "//" where b != 0:  // floor division
                guard b != -1 else { return .int(0 &- a) }
                let q = a / b
                return .int(q * b != a && (a < 0) != (b < 0) ? q - 1 : q)
            default: break
            }
        }
        if op == "*", case let (.string(s), .int(n)) = (l, r) {
            guard n <= 0 || s.utf8.count <= maximumLength / n else { throw RLHFError.invalidInput("chat template: '\(s.prefix(20))' * \(n) is longer than \(maximumLength) characters") }
            return .string(String(repeating: s, count: max(n, 0)))
        }
        if let a = l.number, let b = r.number {
            switch op {
            case "+": return .double(a + b)
            case "-": return .double(a - b)
            case "*": return .double(a * b)
            case "/" where b != 0: return .double(a / b)
            default: break
            }
        }
        throw RLHFError.invalidInput("chat template: cannot compute \(l.representation) \(op) \(r.representation)")
    }

    /// `text`, or an error when a template has grown a string past ``maximumLength``.
    private static func bounded(_ text: String) throws -> String {
        guard text.utf8.count <= maximumLength else { throw RLHFError.invalidInput("chat template: a string grew past \(maximumLength) characters") }
        return text
    }

    static func attribute(_ base: TemplateValue, _ name: String) throws -> TemplateValue {
        switch base {
        case .dictionary(let d):
            if let v = d.first(where: { $0.key == name })?.value { return v }
            return dictionaryMethod(d, name) ?? .undefined
        case .namespace(let n): return n[name]
        case .string(let s): return stringMethod(s, name) ?? .undefined
        default: return .undefined
        }
    }

    static func item(_ base: TemplateValue, _ index: TemplateValue) throws -> TemplateValue {
        switch (base, index) {
        case let (.list(l), .int(i)):
            let k = i < 0 ? l.count + i : i
            return l.indices.contains(k) ? l[k] : .undefined
        case let (.string(s), .int(i)):
            let characters = Array(s), k = i < 0 ? characters.count + i : i
            return characters.indices.contains(k) ? .string(String(characters[k])) : .undefined
        case let (.dictionary, .string(key)), let (.namespace, .string(key)): return try attribute(base, key)
        default: return .undefined
        }
    }

    static func slice(_ base: TemplateValue, _ start: TemplateValue?, _ end: TemplateValue?, _ step: TemplateValue?) throws -> TemplateValue {
        func indices(_ count: Int) throws -> [Int] {
            func bound(_ v: TemplateValue?, _ fallback: Int) throws -> Int {
                guard let v, v.isDefined, !{ if case .none = v { true } else { false } }() else { return fallback }
                guard case .int(let i) = v else { throw RLHFError.invalidInput("chat template: slice bounds must be integers") }
                return i < 0 ? max(count + i, 0) : min(i, count)
            }
            let stride: Int
            if let step, case .int(let s) = step { stride = s } else { stride = 1 }
            guard stride != 0 else { throw RLHFError.invalidInput("chat template: a slice step cannot be 0") }
            if stride > 0 { return Array(Swift.stride(from: try bound(start, 0), to: try bound(end, count), by: stride)) }
            let from = start.map { _ in try? bound(start, count - 1) } ?? count - 1
            let to = end.flatMap { _ in try? bound(end, -1) } ?? -1
            return Array(Swift.stride(from: min(from ?? count - 1, count - 1), to: to, by: stride))
        }
        switch base {
        case .list(let l): return .list(try indices(l.count).map { l[$0] })
        case .string(let s):
            let characters = Array(s)
            return .string(String(try indices(characters.count).map { characters[$0] }))
        default: throw RLHFError.invalidInput("chat template: cannot slice \(base.representation)")
        }
    }

    private static func stringMethod(_ s: String, _ name: String) -> TemplateValue? {
        func stripped(_ arguments: [TemplateValue], leading: Bool, trailing: Bool) -> TemplateValue {
            let set = arguments.first.map { CharacterSet(charactersIn: $0.text) } ?? .whitespacesAndNewlines
            var scalars = Substring(s).unicodeScalars[...]
            while leading, let first = scalars.first, set.contains(first) { scalars.removeFirst() }
            while trailing, let last = scalars.last, set.contains(last) { scalars.removeLast() }
            return .string(String(String.UnicodeScalarView(scalars)))
        }
        let method: TemplateFunction
        switch name {
        case "strip": method = { a, _ in stripped(a, leading: true, trailing: true) }
        case "lstrip": method = { a, _ in stripped(a, leading: true, trailing: false) }
        case "rstrip": method = { a, _ in stripped(a, leading: false, trailing: true) }
        case "upper": method = { _, _ in .string(s.uppercased()) }
        case "lower": method = { _, _ in .string(s.lowercased()) }
        case "title": method = { _, _ in .string(s.capitalized) }
        case "capitalize": method = { _, _ in .string(s.prefix(1).uppercased() + s.dropFirst().lowercased()) }
        case "startswith": method = { a, _ in .bool(a.contains { s.hasPrefix($0.text) }) }
        case "endswith": method = { a, _ in .bool(a.contains { s.hasSuffix($0.text) }) }
        case "replace": method = { a, _ in .string(a.count >= 2 ? s.replacingOccurrences(of: a[0].text, with: a[1].text) : s) }
        case "split":
            method = { a, _ in
                guard let separator = a.first, separator.isDefined, case .string(let sep) = separator else {
                    return .list(s.split(whereSeparator: \.isWhitespace).map { .string(String($0)) })
                }
                return .list(s.components(separatedBy: sep).map { .string($0) })
            }
        default: return nil
        }
        return .function(name, method)
    }

    private static func dictionaryMethod(_ d: [(key: String, value: TemplateValue)], _ name: String) -> TemplateValue? {
        switch name {
        case "items": return .function(name) { _, _ in .list(d.map { .list([.string($0.key), $0.value]) }) }
        case "keys": return .function(name) { _, _ in .list(d.map { .string($0.key) }) }
        case "values": return .function(name) { _, _ in .list(d.map(\.value)) }
        case "get": return .function(name) { a, _ in d.first { $0.key == a.first?.text }?.value ?? (a.count > 1 ? a[1] : .none) }
        default: return nil
        }
    }

    static func filter(_ name: String, _ v: TemplateValue, _ a: [TemplateValue], _ keywords: [(name: String, value: TemplateValue)]) throws -> TemplateValue {
        switch name {
        case "trim": return .string(v.text.trimmingCharacters(in: .whitespacesAndNewlines))
        case "length", "count":
            switch v {
            case .string(let s): return .int(s.count)
            case .list(let l): return .int(l.count)
            case .dictionary(let d): return .int(d.count)
            default: return .int(0)
            }
        case "tojson":
            let indent = keywords.first { $0.name == "indent" }?.value ?? a.first
            if case .int(let n) = indent { return .string(try bounded(v.json(indent: min(max(n, 0), 64)))) }  // Python indents nothing below 0
            return .string(v.json(indent: nil))
        case "upper": return .string(v.text.uppercased())
        case "lower": return .string(v.text.lowercased())
        case "capitalize": return .string(v.text.prefix(1).uppercased() + v.text.dropFirst().lowercased())
        case "title": return .string(v.text.capitalized)
        case "string": return .string(v.text)
        case "safe", "e", "escape": return v
        case "int": return .int(v.number.flatMap { Int(exactly: $0.rounded(.towardZero)) } ?? Int(v.text.trimmingCharacters(in: .whitespaces)) ?? 0)
        case "default", "d":
            let boolean = (a.count > 1 ? a[1] : keywords.first { $0.name == "boolean" }?.value)?.isTrue ?? false
            return (boolean ? v.isTrue : v.isDefined) ? v : a.first ?? .string("")
        case "first": if case .list(let l) = v { return l.first ?? .undefined }; return .undefined
        case "last": if case .list(let l) = v { return l.last ?? .undefined }; return .undefined
        case "join":
            guard case .list(let l) = v else { return .string(v.text) }
            return .string(l.map(\.text).joined(separator: a.first?.text ?? ""))
        case "list":
            if case .list = v { return v }
            if case .string(let s) = v { return .list(s.map { .string(String($0)) }) }
            return .list([])
        case "items": if case .dictionary(let d) = v { return .list(d.map { .list([.string($0.key), $0.value]) }) }; return .list([])
        case "replace": return .string(a.count >= 2 ? v.text.replacingOccurrences(of: a[0].text, with: a[1].text) : v.text)
        default: throw RLHFError.invalidInput("chat template: the filter '\(name)' is not supported by Ascent's template engine")
        }
    }

    static func test(_ name: String, _ v: TemplateValue, _ a: [TemplateValue]) throws -> Bool {
        switch name {
        case "defined": return v.isDefined
        case "undefined": return !v.isDefined
        case "none": if case .none = v { return true }; return false
        case "string": if case .string = v { return true }; return false
        case "number": return v.number != nil && { if case .bool = v { false } else { true } }()
        case "integer": if case .int = v { return true }; return false
        case "boolean": if case .bool = v { return true }; return false
        case "true": if case .bool(true) = v { return true }; return false
        case "false": if case .bool(false) = v { return true }; return false
        case "mapping": if case .dictionary = v { return true }; return false
        case "sequence", "iterable":
            switch v { case .list, .string, .dictionary: return true; default: return false }
        case "odd": if case .int(let i) = v { return i % 2 != 0 }; return false
        case "even": if case .int(let i) = v { return i % 2 == 0 }; return false
        case "divisibleby": if case .int(let i) = v, case .int(let d) = a.first, d != 0 { return i % d == 0 }; return false
        case "eq", "equalto", "sameas": return a.first.map { TemplateValue.equal(v, $0) } ?? false
        default: throw RLHFError.invalidInput("chat template: the test '\(name)' is not supported by Ascent's template engine")
        }
    }
}
