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

    @Test func unsupportedConstructsAreNamed() {
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
    }
}
