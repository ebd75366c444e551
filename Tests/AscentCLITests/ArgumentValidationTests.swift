import ArgumentParser
import AscentTensor
import Foundation
import Testing
@testable import AscentCLI

/// Flags that would divide by zero or make a negative count are refused while parsing, with
/// the flag's name and what would be valid, before any run directory is touched.
@Suite("Argument validation")
struct ArgumentValidationTests {
    /// The message `ascent` prints for `arguments`, or nil if they parse and validate.
    func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try Ascent.parseAsRoot(arguments)
            return nil
        } catch {
            return Ascent.message(for: error)
        }
    }

    @Test func sizesAndCountsMustBeValid() {
        let cases: [([String], String)] = [
            (["resume", "runs/x", "--checkpoint-every", "0"], "--checkpoint-every must be 1 or more environment steps, got 0"),
            (["train", "ppo", "--checkpoint-every", "0"], "--checkpoint-every must be 1 or more environment steps, got 0"),
            (["train", "sac", "--eval-episodes=-1"], "--eval-episodes must be 0...100000"),
            (["rlhf", "generate", "--count=-1"], "--count must be 1...10000, got -1"),
            (["rlhf", "generate", "--max-new-tokens=-1"], "--max-new-tokens must be 0 or more, got -1"),
        ]
        for (arguments, expected) in cases {
            let message = refusal(arguments)
            #expect(message?.contains(expected) == true, "\(arguments.joined(separator: " ")): \(message ?? "accepted")")
        }
        #expect(refusal(["resume", "runs/x", "--checkpoint-every", "5"]) == nil)
        #expect(refusal(["rlhf", "generate", "--count", "2", "--max-new-tokens", "0"]) == nil)
    }
}

/// `ascent inspect --json` describes files holding NaN and infinity instead of failing in
/// the JSON encoder.
@Suite("Inspect")
struct InspectTests {
    @Test func jsonNamesNonFiniteSums() throws {
        let file = SafeTensors(tensors: ["a": Tensor([.nan, 1]), "b": Tensor([.infinity, 2]), "c": Tensor([1, 2])])
        let object = try #require(try JSONSerialization.jsonObject(with: Inspect.json(file)) as? [String: Any])
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["sum"] as? String } == ["nan", "inf", nil])
        #expect(tensors.map { $0["non_finite_values"] as? Int } == [1, 1, 0])
        #expect((tensors[2]["sum"] as? NSNumber)?.doubleValue == 3)
    }
}
