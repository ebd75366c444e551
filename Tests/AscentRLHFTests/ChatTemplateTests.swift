import Foundation
import Testing
@testable import AscentRLHF

/// Chat templates in the styles of SmolLM2, Qwen2.5, Qwen3, Llama 3.1, Zephyr and Mistral
/// render exactly as `transformers`' Jinja environment renders them
/// (`Fixtures/chat-templates.json`, from `scripts/huggingface_fixtures.py`), with and without
/// the generation prompt, and a conversation splits into the prompt and the reply to learn.
@Suite("Chat templates")
struct ChatTemplateTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let messages: [ChatMessage]
            let add_generation_prompt: Bool
            let rendered: String?
            let error: String?
        }
        let name: String
        let template: String
        let cases: [Case]
    }

    static let fixtures: [Fixture] = {
        guard let url = Bundle.module.url(forResource: "chat-templates", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url) else { return [] }
        return (try? JSONDecoder().decode([Fixture].self, from: data)) ?? []
    }()

    @Test func fixturesArePresent() { #expect(Self.fixtures.count == 6) }

    @Test(arguments: fixtures.map(\.name)) func rendersAsTransformersDoes(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let template = try ChatTemplate(fixture.template)
        for (index, c) in fixture.cases.enumerated() {
            do {
                let rendered = try template.render(messages: c.messages, addGenerationPrompt: c.add_generation_prompt,
                                                   specialTokens: ["bos_token": "<s>", "eos_token": "</s>"])
                #expect(rendered == c.rendered, "case \(index): \(rendered.debugDescription) != \((c.rendered ?? c.error ?? "").debugDescription)")
            } catch {
                #expect(c.error.map { "\(error)".contains($0) } == true, "case \(index): \(error)")
            }
        }
    }

    @Test func conversationsSplitIntoPromptAndReply() throws {
        let fixture = try #require(Self.fixtures.first { $0.name == "smollm2" })
        let template = try ChatTemplate(fixture.template)
        let (prompt, completion) = try template.split([ChatMessage(role: "user", content: "2+3?"), ChatMessage(role: "assistant", content: "5")])
        #expect(prompt.hasSuffix("<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n"))
        #expect(completion == "5<|im_end|>\n")
        #expect(throws: RLHFError.self) { try template.split([ChatMessage(role: "user", content: "no reply")]) }
    }

    @Test func unsupportedConstructsAreNamed() throws {
        func error(_ source: String) -> String {
            do { _ = try ChatTemplate(source).render(messages: [ChatMessage(role: "user", content: "x")], addGenerationPrompt: false); return "rendered" }
            catch { return "\(error)" }
        }
        #expect(error("{% macro m() %}{% endmacro %}").contains("'{% macro %}' is not supported"))
        #expect(error("{{ messages | wordcount }}").contains("the filter 'wordcount' is not supported"))
        #expect(error("{% if x is lower %}{% endif %}").contains("the test 'lower' is not supported"))
        #expect(error("{% for m in messages %}").contains("never closed"))
        #expect(error("{{ 'open }}").contains("tag is never closed"))
        #expect(error("{{ 1 + }}").contains("line 1"))
        #expect(error("{{ raise_exception('no system role') }}").contains("the chat template refused the conversation: no system role"))
        // Hostile templates are refused, not obeyed: deep nesting, long operator chains, huge strings.
        #expect(error("{{ " + String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500) + " }}").contains("nest more than 100 deep"))
        #expect(error("{{ 1" + String(repeating: " + 1", count: 5_000) + " }}").contains("a chain of more than 100 operators"))
        #expect(error("{{ 'x' * 1000000000000 }}").contains("is longer than"))
        #expect(error("{% set ns = namespace(s='xx') %}{% for i in range %}{% endfor %}" + String(repeating: "{% set ns.s = ns.s ~ ns.s %}", count: 40) + "{{ ns.s }}")
            .contains("grew past"))
        let arithmetic = try ChatTemplate("{{ 7 % -2 }}|{{ -7 // 2 }}|{{ 3 | tojson(indent=-4) }}|{{ -(-9223372036854775807 - 1) }}|{{ 99999999999999999999.0 | int }}")
        #expect(try arithmetic.render(messages: [], addGenerationPrompt: false) == "-1|-4|3|-9223372036854775808|0", "Python's signs; overflow wraps, never traps")
        #expect(error("{{ 1.² }}").contains("unexpected"))
    }

    /// Conversations in a user's data (TRL's conversational formats) become text through the
    /// model's template; the reply to learn keeps the template's turn end, so no second
    /// end-of-text token follows it, and a BOS the template wrote is not added twice.
    @Test func conversationalDataRendersThroughTheTemplate() throws {
        let fixture = try #require(Self.fixtures.first { $0.name == "smollm2" })
        let format = ChatFormat(template: try ChatTemplate(fixture.template))
        let examples = try Demonstration.read(jsonLines: """
            {"messages": [{"role": "user", "content": "2+3?"}, {"role": "assistant", "content": "5"}]}
            {"prompt": [{"role": "user", "content": "4+4?"}], "completion": [{"role": "assistant", "content": "8"}]}
            {"prompt": "plain text", "completion": " stays"}
            """, chatFormat: format)
        #expect(examples[0].prompt.hasSuffix("<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n") && examples[0].completion == "5<|im_end|>\n")
        #expect(examples[1].completion == "8<|im_end|>\n" && examples[2] == Demonstration(prompt: "plain text", completion: " stays"))
        let prompts = try TaskPrompt.read(jsonLines: #"{"prompt": [{"role": "user", "content": "2+3?"}], "answer": 5}"#, chatFormat: format)
        #expect(prompts[0].prompt.hasSuffix("<|im_start|>assistant\n") && prompts[0].answer == "5")
        let pairs = try PreferencePair.read(jsonLines: #"{"prompt": [{"role": "user", "content": "hi"}], "chosen": [{"role": "assistant", "content": "hello"}], "rejected": [{"role": "assistant", "content": "go away"}]}"#,
                                            chatFormat: format)
        #expect(pairs[0].chosen == "hello<|im_end|>\n" && pairs[0].rejected == "go away<|im_end|>\n")
        // Without a template, conversations are refused with their line numbers.
        do {
            _ = try Demonstration.read(jsonLines: "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}")
            Issue.record("accepted a conversation without a template")
        } catch {
            #expect("\(error)".contains("line 2 (a conversation (a list of messages) needs the model's chat template"), "\(error)")
        }

        let folder = try #require(Bundle.module.url(forResource: "tokenizers/llama3", withExtension: nil, subdirectory: "Fixtures"))
        let base = try ByteLevelBPE(tokenizerJSON: Data(contentsOf: folder.appendingPathComponent("tokenizer.json")))
        let endedByImEnd = ByteLevelBPE(tokens: base.tokens, merges: base.merges, endOfText: base.tokens.firstIndex(of: Array("<|im_end|>".utf8)),
                                        pipeline: base.pipeline, specialTokens: base.specialTokens, sequencePrefix: base.sequencePrefix)
        let turn = endedByImEnd.encodeResponse("5<|im_end|>\n")
        #expect(turn.filter { $0 == endedByImEnd.endOfText }.count == 1 && turn == endedByImEnd.encode("5<|im_end|>\n"))
        #expect(endedByImEnd.encodeResponse("5").last == endedByImEnd.endOfText)
        let bos = try #require(base.sequencePrefix.first)
        #expect(base.encode("<|begin_of_text|>hi", addingSpecialTokens: true).filter { $0 == bos }.count == 1)
        #expect(base.encode("hi", addingSpecialTokens: true).first == bos)
    }

    @Test func modelFoldersKeepTheirTemplate() throws {
        let source = try #require(Self.fixtures.first { $0.name == "qwen2.5" }).template
        let model = try #require(Bundle.module.url(forResource: "qwen2-tiny", withExtension: nil, subdirectory: "Fixtures"))
        let (gpt, tokenizer) = try HuggingFaceFolder.load(model)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-chat-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try HuggingFaceFolder.save(gpt, tokenizer: tokenizer, chatTemplate: try ChatTemplate(source), to: out)
        let format = try #require(try HuggingFaceFolder.chatFormat(out))
        #expect(format.template.source == source && format.specialTokens["eos_token"] == "<|endoftext|>")
        // tokenizer_config.json's chat_template (a string, or named templates) is read too.
        try FileManager.default.removeItem(at: out.appendingPathComponent("chat_template.jinja"))
        let configURL = out.appendingPathComponent("tokenizer_config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        config["chat_template"] = [["name": "tool_use", "template": "x"], ["name": "default", "template": source]]
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        #expect(try HuggingFaceFolder.chatFormat(out)?.template.source == source)
        config["chat_template"] = "{% macro m() %}{% endmacro %}"
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        #expect(throws: RLHFError.self) { try HuggingFaceFolder.chatFormat(out) }
    }
}
