import AscentRandom
import Foundation

/// A task's simulations behind one non-generic interface, for the public environments.
protocol MuJoCoSimulating: AnyObject {
    var id: String { get }
    var count: Int { get }
    var actionSpace: Space { get }
    var observationSpace: Space { get }
    var dt: Double { get }
    var frameSkip: Int { get }
    var modelFile: URL { get }
    func reset(_ ids: [Int], generators: UnsafeMutableBufferPointer<RandomGenerator>, into observations: UnsafeMutableBufferPointer<Float>) throws
    func setState(_ i: Int, qpos: [Double], qvel: [Double]) throws
    /// Simulation `i`'s state row with `controls` as its `ctrl` (for the benchmark's raw baseline).
    func integrationState(_ i: Int, controls: [Float]) -> [Double]
    /// Simulation `i`'s exact state, and writing one back (see `MuJoCoSimulations.savedState(_:)`).
    func savedState(_ i: Int) -> [Double]
    func restoreState(_ i: Int, _ values: [Double])
    var savedStateSize: Int { get }
    var physics: MuJoCoPhysics { get throws }
    func renderFrame(_ i: Int) throws -> RenderFrame
    func qpos(_ i: Int) -> [Double]
    func qvel(_ i: Int) -> [Double]
    func resetInfo(_ i: Int) -> Info
    func observe(_ ids: [Int], into observations: UnsafeMutableBufferPointer<Float>) throws
    func step(_ actions: UnsafeBufferPointer<Float>, observations: UnsafeMutableBufferPointer<Float>,
              outcomes: UnsafeMutableBufferPointer<MuJoCoOutcome>, diverged: UnsafeMutableBufferPointer<Bool>, withInfo: Bool) throws
}

extension MuJoCoSimulations: MuJoCoSimulating {
    var id: String { task.id }
    var modelFile: URL { batch.model.file }
    var frameSkip: Int { task.frameSkip }
}

extension Environments {
    /// The simulation engines behind `id` and their versions, for run records: `["mujoco":
    /// mj_versionString()]` for a MuJoCo id, empty for Ascent's own environments.
    public static func engineVersions(for id: String) -> [String: String] {
        guard MuJoCoCatalog.entry(id) != nil, let library = try? MuJoCoLibrary.shared() else { return [:] }
        return ["mujoco": library.version]
    }
}

/// Gymnasium's MuJoCo environments: ids, registered limits, options and how to build them.
enum MuJoCoCatalog {
    /// One registered MuJoCo environment.
    struct Entry: Sendable {
        let id: String
        let maxEpisodeSteps: Int
        let rewardThreshold: Double?
        let options: [String: String]
        let summary: String
        /// Simulations of the task: (options, model file or nil for the default, count, threads).
        let make: @Sendable (_ options: [String: Double], _ xmlFile: String?, _ count: Int, _ threads: Int) throws -> any MuJoCoSimulating
    }

    private static func entry<T: MuJoCoTask>(_ id: String, steps: Int, threshold: Double?, options: [String: String], summary: String,
                                             task: @escaping @Sendable (TaskOptions) throws -> T) -> Entry {
        Entry(id: id, maxEpisodeSteps: steps, rewardThreshold: threshold, options: options, summary: summary) { values, xmlFile, count, threads in
            let task = try task(TaskOptions(environment: id, values: values))
            let library = try MuJoCoLibrary.shared()
            let installation = try MuJoCoInstallation.locate()
            return try MuJoCoSimulations(task: task, modelFile: try installation.modelFile(xmlFile ?? task.modelFile), count: count,
                                         threads: threads, library: library)
        }
    }

    static let entries: [Entry] = [
        entry("HalfCheetah-v5", steps: 1000, threshold: 4800, options: ForwardRunnerTask.options(.halfCheetah),
              summary: "MuJoCo: a planar cheetah runs forward") { try ForwardRunnerTask(.halfCheetah, $0) },
        entry("Hopper-v5", steps: 1000, threshold: 3800, options: PlanarWalkerTask.options(.hopper),
              summary: "MuJoCo: a one-legged robot hops forward without falling") { try PlanarWalkerTask(.hopper, $0) },
        entry("Walker2d-v5", steps: 1000, threshold: nil, options: PlanarWalkerTask.options(.walker2d),
              summary: "MuJoCo: a planar biped walks forward without falling") { try PlanarWalkerTask(.walker2d, $0) },
        entry("Ant-v5", steps: 1000, threshold: 6000, options: AntTask.options,
              summary: "MuJoCo: a four-legged robot walks forward", task: AntTask.init),
        entry("Humanoid-v5", steps: 1000, threshold: nil, options: HumanoidTask.options,
              summary: "MuJoCo: a 3D humanoid walks forward without falling", task: HumanoidTask.init),
        entry("Swimmer-v5", steps: 1000, threshold: 360, options: ForwardRunnerTask.options(.swimmer),
              summary: "MuJoCo: a three-link swimmer moves forward through fluid") { try ForwardRunnerTask(.swimmer, $0) },
        entry("InvertedPendulum-v5", steps: 1000, threshold: 950, options: InvertedPendulumTask.options,
              summary: "MuJoCo: balance a pole on a cart", task: InvertedPendulumTask.init),
        entry("InvertedDoublePendulum-v5", steps: 1000, threshold: 9100, options: InvertedDoublePendulumTask.options,
              summary: "MuJoCo: balance two stacked poles on a cart", task: InvertedDoublePendulumTask.init),
        entry("Reacher-v5", steps: 50, threshold: -3.75, options: ReacherTask.options,
              summary: "MuJoCo: move a two-joint arm's tip to a target", task: ReacherTask.init),
        entry("Pusher-v5", steps: 100, threshold: 0, options: PusherTask.options,
              summary: "MuJoCo: a seven-joint arm pushes an object to a goal", task: PusherTask.init),
    ]

    static func entry(_ id: String) -> Entry? { entries.first { $0.id == id } }

    /// The registry's specs: single environments and native batches on MuJoCo's thread pool.
    static var specs: [EnvironmentSpec] {
        entries.map { entry in
            EnvironmentSpec(id: entry.id, maxEpisodeSteps: entry.maxEpisodeSteps, rewardThreshold: entry.rewardThreshold,
                            options: entry.options, summary: entry.summary,
                            build: { try MuJoCoEnvironment(simulations: entry.make($0, nil, 1, 1)) },
                            buildNative: { options, count, limit, threads in
                                try MuJoCoVectorEnvironment(simulations: entry.make(options, nil, count, threads), maxEpisodeSteps: limit)
                            })
        }
    }
}
