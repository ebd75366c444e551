import Foundation

/// One turn of a conversation: `role` (system, user, assistant, tool) and its text.
public struct ChatMessage: Codable, Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        (self.role, self.content) = (role, content)
    }
}

/// A model's chat template (`chat_template` in `tokenizer_config.json`, or
/// `chat_template.jinja`): the Jinja program that turns a conversation into the text the model
/// was trained on, rendered as `transformers`' `apply_chat_template` renders it.
///
/// Ascent implements the part of Jinja that chat templates use: `{{ }}`, `{% if/elif/else %}`,
/// `{% for … in … %}` (with `loop.index0`, `loop.first`, `loop.last`, `loop.length`, a filter
/// condition and `else`), `{% set %}` (also of a `namespace()` attribute), `break`/`continue`,
/// `{% generation %}`, comments and whitespace control (`{%-`, `-%}`), with `transformers'`
/// settings (`trim_blocks` and `lstrip_blocks`), and the globals `raise_exception`,
/// `strftime_now` and `namespace`. Any other tag, filter or test is refused by name when the
/// template is read or rendered, never skipped.
public struct ChatTemplate: @unchecked Sendable {
    // @unchecked Sendable: the parsed tree holds only immutable values (TemplateValue's one
    // reference type, a namespace, is created during rendering and never stored here).
    let nodes: [TemplateNode]
    public let source: String

    public init(_ source: String) throws {
        self.source = source
        var parser = TemplateParser(pieces: try TemplateLexer.pieces(of: source))
        nodes = try parser.parse(until: [])
    }

    /// The text of `messages`, with the assistant's opening appended when
    /// `addGenerationPrompt` (what a model continues to answer). `specialTokens` are the
    /// tokenizer's `bos_token`, `eos_token`, … as the template reads them.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, specialTokens: [String: String] = [:]) throws -> String {
        var renderer = TemplateRenderer()
        renderer.scopes = [[
            "messages": .list(messages.map { .dictionary([("content", .string($0.content)), ("role", .string($0.role))]) }),
            "add_generation_prompt": .bool(addGenerationPrompt),
        ].merging(specialTokens.mapValues { .string($0) }) { first, _ in first }]
        try renderer.render(nodes)
        return renderer.output
    }

    /// A conversation split for training: `prompt` is everything before the last message
    /// with the assistant's opening, `completion` the rest of the full rendering (the last
    /// message and whatever the template closes it with). The last message must be the
    /// assistant's, and the template must render the conversation's start the same either way.
    public func split(_ messages: [ChatMessage], specialTokens: [String: String] = [:]) throws -> (prompt: String, completion: String) {
        guard let last = messages.last, last.role == "assistant", messages.count >= 2 else {
            throw RLHFError.invalidInput("a conversation to learn from must end with an assistant message after at least one other")
        }
        let whole = try render(messages: messages, addGenerationPrompt: false, specialTokens: specialTokens)
        let prompt = try render(messages: Array(messages.dropLast()), addGenerationPrompt: true, specialTokens: specialTokens)
        guard whole.hasPrefix(prompt), whole.count > prompt.count else {
            throw RLHFError.invalidInput("the chat template renders the conversation without its last message differently from the start of the whole conversation, so the assistant's reply cannot be separated from the prompt")
        }
        return (prompt, String(whole.dropFirst(prompt.count)))
    }
}

/// A statement of a parsed template.
indirect enum TemplateNode {
    case text(String)
    case output(TemplateExpression)
    case branches([(condition: TemplateExpression?, body: [TemplateNode])])
    case loop(targets: [String], over: TemplateExpression, condition: TemplateExpression?, body: [TemplateNode], otherwise: [TemplateNode])
    case assign(target: String, attribute: String?, value: TemplateExpression)
    case loopControl(breaks: Bool)
}

/// Template source cut into text, `{{ expression }}` and `{% statement %}` pieces, with
/// whitespace control and `trim_blocks`/`lstrip_blocks` applied.
enum TemplateLexer {
    enum Piece {
        case text(String)
        case expression(String, line: Int)
        case statement(String, line: Int)
    }

    static func pieces(of source: String) throws -> [Piece] {
        let s = Array(source)
        var pieces: [Piece] = []
        var text = "", i = 0, line = 1
        var trimNextNewline = false, stripNextWhitespace = false
        func flush() { if !text.isEmpty { pieces.append(.text(text)); text = "" } }
        while i < s.count {
            guard s[i] == "{", i + 1 < s.count, ["{", "%", "#"].contains(s[i + 1]) else {
                if stripNextWhitespace, s[i].isWhitespace { i += 1; continue }
                stripNextWhitespace = false
                if trimNextNewline { trimNextNewline = false; if s[i] == "\n" { i += 1; line += 1; continue } }
                if s[i] == "\n" { line += 1 }
                text.append(s[i])
                i += 1
                continue
            }
            trimNextNewline = false
            stripNextWhitespace = false
            let kind = s[i + 1], close: Character = kind == "{" ? "}" : kind
            var j = i + 2
            let stripsBefore = j < s.count && s[j] == "-"
            if stripsBefore || (j < s.count && s[j] == "+") { j += 1 }
            if stripsBefore {
                while let last = text.last, last.isWhitespace { text.removeLast() }
            } else if kind != "{", !(i + 2 < s.count && s[i + 2] == "+") {
                // lstrip_blocks: spaces and tabs from the line's start to a block tag go.
                let tail = text.reversed().prefix { $0 == " " || $0 == "\t" }
                if text.count == tail.count || text.dropLast(tail.count).last == "\n" { text.removeLast(tail.count) }
            }
            // The tag's end, skipping quoted strings (which may contain %} or }}).
            var body = "", quote: Character?
            var closed = false
            while j < s.count {
                if let q = quote {
                    if s[j] == "\\", j + 1 < s.count { body.append(s[j]); body.append(s[j + 1]); j += 2; continue }
                    if s[j] == q { quote = nil }
                } else if s[j] == "'" || s[j] == "\"" {
                    quote = s[j]
                } else if (s[j] == "-" || s[j] == "+") && j + 2 < s.count && s[j + 1] == close && s[j + 2] == "}" {
                    stripNextWhitespace = s[j] == "-"
                    j += 3; closed = true; break
                } else if s[j] == close, j + 1 < s.count, s[j + 1] == "}" {
                    j += 2; closed = true; break
                }
                if s[j] == "\n" { line += 1 }
                body.append(s[j])
                j += 1
            }
            guard closed else { throw RLHFError.invalidInput("chat template line \(line): a '{\(kind)' tag is never closed") }
            flush()
            switch kind {
            case "{": pieces.append(.expression(body, line: line))
            case "%": pieces.append(.statement(body.trimmingCharacters(in: .whitespacesAndNewlines), line: line)); trimNextNewline = !stripNextWhitespace
            default: trimNextNewline = !stripNextWhitespace  // a comment
            }
            i = j
        }
        flush()
        return pieces
    }
}

/// Builds the statement tree from the pieces.
struct TemplateParser {
    let pieces: [TemplateLexer.Piece]
    var position = 0
    /// Blocks (if, for) nested deeper than this are refused, as deep expressions are.
    static let maximumNesting = 100
    private var depth = 0

    init(pieces: [TemplateLexer.Piece]) { self.pieces = pieces }

    /// Nodes up to one of the `until` statements (left unconsumed), or the end.
    mutating func parse(until: Set<String>) throws -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        while position < pieces.count {
            switch pieces[position] {
            case .text(let t): nodes.append(.text(t)); position += 1
            case let .expression(source, line):
                var parser = try TemplateExpressionParser(source, context: "line \(line)")
                let expression = try parser.expression()
                guard parser.atEnd else { throw parser.error("unexpected \(parser.peek!) in {{ \(source.trimmingCharacters(in: .whitespaces)) }}") }
                nodes.append(.output(expression))
                position += 1
            case let .statement(source, line):
                let keyword = source.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                if until.contains(keyword) { return nodes }
                position += 1
                nodes += try statement(keyword, source: String(source.dropFirst(keyword.count)), line: line)
            }
        }
        guard until.isEmpty else { throw RLHFError.invalidInput("chat template: a block is never closed (expected one of \(until.sorted().joined(separator: ", ")))") }
        return nodes
    }

    private mutating func keyword(at line: Int) throws -> String {
        guard position < pieces.count, case let .statement(source, _) = pieces[position] else {
            throw RLHFError.invalidInput("chat template line \(line): a block is never closed")
        }
        position += 1
        return source
    }

    private mutating func statement(_ keyword: String, source: String, line: Int) throws -> [TemplateNode] {
        let context = "line \(line)"
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumNesting else { throw RLHFError.invalidInput("chat template \(context): blocks nest more than \(Self.maximumNesting) deep") }
        var parser = try TemplateExpressionParser(source, context: context)
        func finished() throws { guard parser.atEnd else { throw parser.error("unexpected \(parser.peek!) in {% \(keyword)\(source) %}") } }
        switch keyword {
        case "if":
            var branches: [(TemplateExpression?, [TemplateNode])] = []
            var condition: TemplateExpression? = try parser.expression()
            try finished()
            while true {
                let body = try parse(until: ["elif", "else", "endif"])
                branches.append((condition, body))
                let next = try self.keyword(at: line)
                if next == "endif" { break }
                if next == "else" { condition = nil; continue }
                var elif = try TemplateExpressionParser(String(next.dropFirst("elif".count)), context: context)
                condition = try elif.expression()
            }
            return [.branches(branches)]
        case "for":
            var targets = [try parser.name()]
            while parser.accept(",") { targets.append(try parser.name()) }
            try parser.expect("in")
            let sequence = try parser.postfixFreeExpression()
            let condition = parser.accept("if") ? try parser.expression() : nil
            try finished()
            let body = try parse(until: ["else", "endfor"])
            var otherwise: [TemplateNode] = []
            if try self.keyword(at: line) == "else" {
                otherwise = try parse(until: ["endfor"])
                _ = try self.keyword(at: line)
            }
            return [.loop(targets: targets, over: sequence, condition: condition, body: body, otherwise: otherwise)]
        case "set":
            let target = try parser.name()
            let attribute = parser.accept(".") ? try parser.name() : nil
            guard parser.accept("=") else { throw parser.error("{% set %} blocks (without '=') are not supported") }
            let value = try parser.expression()
            try finished()
            return [.assign(target: target, attribute: attribute, value: value)]
        case "break", "continue":
            try finished()
            return [.loopControl(breaks: keyword == "break")]
        case "generation":  // transformers' marker of assistant text; it renders its body
            let body = try parse(until: ["endgeneration"])
            _ = try self.keyword(at: line)
            return body
        default:
            throw RLHFError.invalidInput("chat template line \(line): '{% \(keyword) %}' is not supported by Ascent's template engine (if, for, set, break, continue, generation are)")
        }
    }
}
