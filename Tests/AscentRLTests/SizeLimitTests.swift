import Foundation
import Testing
@testable import AscentRL

/// Hostile sizes from flags, `--set` or saved files are refused by name before any arithmetic
/// on them can overflow or any allocation can fail (issue 13's crash cases).
@Suite("Size limits")
struct SizeLimitTests {
    func refusal(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as RLError {
            if case .invalidHyperparameter(let name, _, _) = error { return name }
            return "\(error)"
        } catch { return "\(error)" }
        return nil
    }

    @Test func onPolicySizesBeyondAnyMachineAreRefusedByName() throws {
        let cases: [(WritableKeyPath<PPOConfiguration, Int>, Int, String)] = [
            (\.environments, 4_611_686_018_427_387_904, "environments"),
            (\.environments, 100_000_000, "environments"),
            (\.rolloutSteps, Int.max, "rolloutSteps"),
            (\.totalSteps, Int.max, "totalSteps"),
        ]
        for (key, value, name) in cases {
            var c = PPOConfiguration()
            c[keyPath: key] = value
            #expect(refusal { try c.validate() } == name, "\(name) = \(value)")
        }
        var c = PPOConfiguration()
        (c.environments, c.rolloutSteps) = (60_000, 60_000)  // each allowed, the product is not
        #expect(refusal { try c.validate() } == "environments × rolloutSteps")
        c = PPOConfiguration()
        c.hiddenSizes = [1_000_000_000]
        #expect(refusal { try c.validate() } == "hiddenSizes")
        c.hiddenSizes = [65_536, 65_536, 65_536]  // 8.6 billion weights
        #expect(refusal { try c.validate() } == "memory")
        var a2c = A2CConfiguration()
        a2c.rolloutSteps = Int.max
        #expect(refusal { try a2c.validate() } == "rolloutSteps")
    }

    @Test func replayBuffersLargerThanMemoryAreRefusedBeforeAllocating() throws {
        var c = SACConfiguration()
        c.environments = 1_000_000_000
        #expect(refusal { try c.validate() } == "environments")
        c = SACConfiguration()
        c.bufferSize = 1_000_000_000_000
        #expect(refusal { try c.validate() } == "bufferSize")
        // Within the bound but not within memory: twice the transitions of Pendulum (10 floats
        // each) that the available memory holds, on whatever machine runs this.
        c.bufferSize = Swift.min(SizeLimits.bufferSize.upperBound, 2 * SizeLimits.availableBytes / 40 + 1)
        c.totalSteps = 1000
        if c.bufferSize * 40 > SizeLimits.availableBytes {  // always, unless over 40 GB are free
            #expect(refusal { _ = try SAC(c) } == "memory")
        }
        #expect(refusal { _ = try ReplayBuffer(capacity: Int.max / 2, observationSize: 3, actionSize: 1) } == "memory")
    }

    @Test func aSavedConfigurationGoesThroughTheSameChecks() throws {
        var object = try PPOConfiguration().jsonObject()
        object["environments"] = 1 << 62
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(refusal { _ = try PPOConfiguration.decode(data) } == "environments")
    }
}
