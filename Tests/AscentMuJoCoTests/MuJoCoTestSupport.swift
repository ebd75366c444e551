import AscentEnvironments
import Foundation
import Testing

/// MuJoCo tests run where MuJoCo is installed (`scripts/install-mujoco.sh`); CI sets
/// `ASCENT_REQUIRE_MUJOCO=1` so that a missing library fails instead of skipping them.
enum MuJoCoAvailability {
    static let installed = MuJoCoLibrary.isAvailable
    static let required = ProcessInfo.processInfo.environment["ASCENT_REQUIRE_MUJOCO"] == "1"
}

/// Trajectories recorded from Gymnasium by `scripts/gymnasium_mujoco_fixtures.py`.
struct MuJoCoFixture: Decodable {
    struct Case: Decodable {
        let qpos: [Double]
        let qvel: [Double]
        let observation: [Double]
        let actions: [[Double]]
        let steps: [Step]
    }
    struct Step: Decodable {
        let observation: [Double]
        let reward: Double
        let terminated: Bool
        let qpos: [Double]
        let qvel: [Double]
    }
    let environment: String
    let mujoco: String
    let cases: [Case]
    /// Physical parameters set before recording (empty for the nominal model).
    let parameters: [String: Double]

    static func load(_ name: String) throws -> MuJoCoFixture {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(MuJoCoFixture.self, from: Data(contentsOf: url))
    }
}

@Suite("MuJoCo is there when CI says it must be")
struct MuJoCoInstallationTests {
    @Test(.enabled(if: MuJoCoAvailability.required)) func libraryLoadsInCI() throws {
        let library = try MuJoCoLibrary.shared()
        #expect(MuJoCoLibrary.testedVersions.contains(library.version), "CI installs a tested MuJoCo, got \(library.version)")
    }
}
