import Foundation

/// A Jinja expression inside `{{ }}` or a tag: literals, names, attribute and item access,
/// slices, calls with keyword arguments, filters (`x | trim`), tests (`x is defined`), the
/// arithmetic, comparison, `in`, `~`, `and`/`or`/`not` operators and `a if c else b`, with
/// Jinja's precedence.
indirect enum TemplateExpression {
    case literal(TemplateValue)
    case name(String)
    case list([TemplateExpression])
    case dictionary([(TemplateExpression, TemplateExpression)])
    case attribute(TemplateExpression, String)
    case item(TemplateExpression, TemplateExpression)
    case slice(TemplateExpression, start: TemplateExpression?, end: TemplateExpression?, step: TemplateExpression?)
    case call(TemplateExpression, [TemplateExpression], [(String, TemplateExpression)])
    case filter(TemplateExpression, String, [TemplateExpression], [(String, TemplateExpression)])
    case test(TemplateExpression, String, [TemplateExpression], negated: Bool)
    case unary(String, TemplateExpression)
    case binary(String, TemplateExpression, TemplateExpression)
    case conditional(TemplateExpression, condition: TemplateExpression, otherwise: TemplateExpression?)
}

/// A token of an expression.
enum TemplateToken: Equatable {
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case symbol(String)
}

/// Parses the expression tokens of one tag.
struct TemplateExpressionParser {
    private(set) var tokens: [TemplateToken]
    private(set) var position = 0
    let context: String
    /// Parentheses, brackets and unary operators nested deeper than this are refused, so a
    /// hostile template cannot exhaust the stack.
    static let maximumNesting = 100
    private var nesting = 0

    init(_ source: String, context: String) throws {
        tokens = try Self.tokenize(source, context: context)
        self.context = context
    }

    var atEnd: Bool { position >= tokens.count }
    var peek: TemplateToken? { atEnd ? nil : tokens[position] }

    mutating func next() -> TemplateToken? {
        defer { position += 1 }
        return peek
    }

    /// A chain of binary operators (`a + b + c …`) builds a tree as deep as it is long, which
    /// evaluation then descends: chains longer than ``maximumNesting`` links are refused.
    private func link(_ count: inout Int) throws {
        count += 1
        guard count <= Self.maximumNesting else { throw error("a chain of more than \(Self.maximumNesting) operators") }
    }

    func error(_ what: String) -> RLHFError {
        .invalidInput("chat template \(context): \(what)")
    }

    mutating func accept(_ symbol: String) -> Bool {
        if peek == .symbol(symbol) || peek == .name(symbol) { position += 1; return true }
        return false
    }

    mutating func expect(_ symbol: String) throws {
        guard accept(symbol) else { throw error("expected '\(symbol)'\(peek.map { ", found \($0)" } ?? " at the end")") }
    }

    mutating func name() throws -> String {
        guard case .name(let n) = next() else { throw error("expected a name") }
        return n
    }

    // MARK: Grammar, loosest first

    mutating func expression() throws -> TemplateExpression {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw error("expressions nest more than \(Self.maximumNesting) deep") }
        let value = try or()
        guard accept("if") else { return value }
        let condition = try or()
        return .conditional(value, condition: condition, otherwise: accept("else") ? try expression() : nil)
    }

    private mutating func or() throws -> TemplateExpression {
        var (left, links) = (try and(), 0)
        while accept("or") { try link(&links); left = .binary("or", left, try and()) }
        return left
    }

    private mutating func and() throws -> TemplateExpression {
        var (left, links) = (try not(), 0)
        while accept("and") { try link(&links); left = .binary("and", left, try not()) }
        return left
    }

    private mutating func not() throws -> TemplateExpression {
        guard accept("not") else { return try comparison() }
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw error("expressions nest more than \(Self.maximumNesting) deep") }
        return .unary("not", try not())
    }

    private mutating func comparison() throws -> TemplateExpression {
        var (left, links) = (try concatenation(), 0)
        while true {
            if let op = ["==", "!=", "<=", ">=", "<", ">"].first(where: { peek == .symbol($0) }) {
                try link(&links)
                position += 1
                left = .binary(op, left, try concatenation())
            } else if accept("in") {
                try link(&links)
                left = .binary("in", left, try concatenation())
            } else if peek == .name("not"), position + 1 < tokens.count, tokens[position + 1] == .name("in") {
                try link(&links)
                position += 2
                left = .unary("not", .binary("in", left, try concatenation()))
            } else {
                return left
            }
        }
    }

    private mutating func concatenation() throws -> TemplateExpression {
        var (left, links) = (try sum(), 0)
        while accept("~") { try link(&links); left = .binary("~", left, try sum()) }
        return left
    }

    private mutating func sum() throws -> TemplateExpression {
        var (left, links) = (try product(), 0)
        while let op = ["+", "-"].first(where: { peek == .symbol($0) }) {
            try link(&links)
            position += 1
            left = .binary(op, left, try product())
        }
        return left
    }

    private mutating func product() throws -> TemplateExpression {
        var (left, links) = (try unary(), 0)
        while let op = ["//", "*", "/", "%"].first(where: { peek == .symbol($0) }) {
            try link(&links)
            position += 1
            left = .binary(op, left, try unary())
        }
        return left
    }

    private mutating func unary() throws -> TemplateExpression {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw error("expressions nest more than \(Self.maximumNesting) deep") }
        if accept("-") { return .unary("-", try unary()) }
        if accept("+") { return try unary() }
        return try filtered(try postfix(try primary()))
    }

    /// Filters and tests, which bind tighter than any operator.
    private mutating func filtered(_ base: TemplateExpression) throws -> TemplateExpression {
        var (value, links) = (base, 0)
        while true {
            if peek == .symbol("|") || peek == .name("is") { try link(&links) }
            if accept("|") {
                let filter = try name()
                var (arguments, keywords): ([TemplateExpression], [(String, TemplateExpression)]) = ([], [])
                if accept("(") { (arguments, keywords) = try callArguments() }
                value = .filter(value, filter, arguments, keywords)
            } else if accept("is") {
                let negated = accept("not")
                let test = try name()
                var arguments: [TemplateExpression] = []
                if accept("(") { arguments = try callArguments().0 }
                else if let token = peek, case .name(let n) = token, !["and", "or", "else", "if", "in", "is", "not"].contains(n) { arguments = [try primary()] }
                else if case .string = peek { arguments = [try primary()] }
                else if case .integer = peek { arguments = [try primary()] }
                value = .test(value, test, arguments, negated: negated)
            } else {
                return value
            }
        }
    }

    private mutating func postfix(_ base: TemplateExpression) throws -> TemplateExpression {
        var (value, links) = (base, 0)
        while true {
            if [.symbol("."), .symbol("["), .symbol("(")].contains(peek) { try link(&links) }
            if accept(".") {
                if case .integer(let i) = peek { position += 1; value = .item(value, .literal(.int(i))) } else { value = .attribute(value, try name()) }
            } else if accept("[") {
                var start: TemplateExpression?
                if peek != .symbol(":") { start = try expression() }
                if accept(":") {
                    let end = peek == .symbol("]") || peek == .symbol(":") ? nil : try expression()
                    let step = accept(":") && peek != .symbol("]") ? try expression() : nil
                    try expect("]")
                    value = .slice(value, start: start, end: end, step: step)
                } else {
                    try expect("]")
                    value = .item(value, start!)
                }
            } else if accept("(") {
                let (arguments, keywords) = try callArguments()
                value = .call(value, arguments, keywords)
            } else {
                return value
            }
        }
    }

    /// After `(`: positional and `name=value` arguments, through `)`.
    private mutating func callArguments() throws -> ([TemplateExpression], [(String, TemplateExpression)]) {
        var (arguments, keywords): ([TemplateExpression], [(String, TemplateExpression)]) = ([], [])
        while !accept(")") {
            if case .name(let n) = peek, position + 1 < tokens.count, tokens[position + 1] == .symbol("=") {
                position += 2
                keywords.append((n, try expression()))
            } else {
                arguments.append(try expression())
            }
            if !accept(",") { try expect(")"); break }
        }
        return (arguments, keywords)
    }

    private mutating func primary() throws -> TemplateExpression {
        switch next() {
        case .string(let s):
            var text = s
            while case .string(let more) = peek { text += more; position += 1 }  // adjacent literals join, as in Python
            return .literal(.string(text))
        case .integer(let i): return .literal(.int(i))
        case .float(let d): return .literal(.double(d))
        case .name(let n):
            switch n {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(n)
            }
        case .symbol("("):
            let inner = try expression()
            if accept(",") {  // a tuple, used as a list
                var items = [inner]
                while !accept(")") { items.append(try expression()); if !accept(",") { try expect(")"); break } }
                return .list(items)
            }
            try expect(")")
            return inner
        case .symbol("["):
            var items: [TemplateExpression] = []
            while !accept("]") { items.append(try expression()); if !accept(",") { try expect("]"); break } }
            return .list(items)
        case .symbol("{"):
            var pairs: [(TemplateExpression, TemplateExpression)] = []
            while !accept("}") {
                let key = try expression()
                try expect(":")
                pairs.append((key, try expression()))
                if !accept(",") { try expect("}"); break }
            }
            return .dictionary(pairs)
        case let token:
            throw error(token.map { "unexpected \($0)" } ?? "an expression ends too early")
        }
    }

    // MARK: Tokens

    static func tokenize(_ source: String, context: String) throws -> [TemplateToken] {
        let characters = Array(source)
        var tokens: [TemplateToken] = []
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                var j = i
                while j < characters.count, characters[j].isLetter || characters[j].isNumber || characters[j] == "_" { j += 1 }
                tokens.append(.name(String(characters[i..<j])))
                i = j
            } else if c.isASCII && c.isNumber {  // ASCII digits only: "²" or "٣" is not a Jinja number
                func digit(_ k: Int) -> Bool { k < characters.count && characters[k].isASCII && characters[k].isNumber }
                var j = i
                while digit(j) { j += 1 }
                if j < characters.count, characters[j] == ".", digit(j + 1) {
                    j += 1
                    while digit(j) { j += 1 }
                    guard let value = Double(String(characters[i..<j])) else { throw RLHFError.invalidInput("chat template \(context): '\(String(characters[i..<j]))' is not a number") }
                    tokens.append(.float(value))
                } else {
                    guard let value = Int(String(characters[i..<j])) else { throw RLHFError.invalidInput("chat template \(context): the number \(String(characters[i..<j])) is too large") }
                    tokens.append(.integer(value))
                }
                i = j
            } else if c == "'" || c == "\"" {
                var text = "", j = i + 1
                while j < characters.count, characters[j] != c {
                    if characters[j] == "\\", j + 1 < characters.count {
                        j += 1
                        switch characters[j] {
                        case "n": text.append("\n")
                        case "t": text.append("\t")
                        case "r": text.append("\r")
                        case "\\", "'", "\"": text.append(characters[j])
                        default: text.append("\\"); text.append(characters[j])
                        }
                    } else {
                        text.append(characters[j])
                    }
                    j += 1
                }
                guard j < characters.count else { throw RLHFError.invalidInput("chat template \(context): a string is not closed") }
                tokens.append(.string(text))
                i = j + 1
            } else {
                let two = i + 1 < characters.count ? String(characters[i...(i + 1)]) : ""
                if ["==", "!=", "<=", ">=", "//", "**"].contains(two) {
                    tokens.append(.symbol(two))
                    i += 2
                } else if "()[]{}.,:|+-*/%~<>=".contains(c) {
                    tokens.append(.symbol(String(c)))
                    i += 1
                } else {
                    throw RLHFError.invalidInput("chat template \(context): unexpected character '\(c)'")
                }
            }
        }
        return tokens
    }
}

extension TemplateExpressionParser {
    /// A `for` loop's sequence: an expression that stops before a trailing `if` filter.
    mutating func postfixFreeExpression() throws -> TemplateExpression {
        let start = position
        if let end = tokens[start...].firstIndex(of: .name("if")) {
            var inner = self
            inner.truncate(at: end)
            let value = try inner.expression()
            position = inner.position
            return value
        }
        return try expression()
    }

    private mutating func truncate(at end: Int) { tokens = Array(tokens[..<end]) }
}
