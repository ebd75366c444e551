import AscentEnvironments
import Foundation

/// Return over a grid of physical parameters: how a policy trained under one set of physics
/// fares under others (the domain-randomisation exercise's robustness test).
public struct RobustnessGrid: Codable, Sendable, Equatable {
    /// The two parameters varied, their nominal values and the multiplicative factors tried.
    public let parameters: [String]
    public let nominal: [Double]
    public let factors: [Double]
    /// Deterministic episodes averaged per cell.
    public let episodes: Int
    /// returns[i][j]: mean return with parameters[0] = nominal[0]·factors[i], parameters[1] = nominal[1]·factors[j].
    public var returns: [[Double]]

    /// The nominal values of `parameters` in `environment`, checked to exist.
    public static func nominalValues(of parameters: [String], in environment: String, options: [String: Double] = [:]) throws -> [Double] {
        let env = try Environments.make(environment, options: options)
        guard let target = env.find((any PhysicallyParameterized).self) else {
            throw RLError.unsupportedSpace("\(environment) exposes no physical parameters; randomisation experiments need an environment that does (Pendulum-v1, CartPole-v1, MountainCar*, Acrobot-v1)")
        }
        return try parameters.map { try target.physicalParameter($0) }
    }

    /// Evaluates `run` at every grid cell with `episodes` deterministic episodes each.
    public static func evaluate(_ run: some TrainingRun, parameters: [String], factors: [Double], episodes: Int,
                                options: [String: Double] = [:]) throws -> RobustnessGrid {
        guard parameters.count == 2 else {
            throw RLError.invalidHyperparameter(name: "grid parameters", value: parameters.joined(separator: ","), expected: "must name exactly two physical parameters")
        }
        guard !factors.isEmpty, factors.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw RLError.invalidHyperparameter(name: "grid factors", value: "\(factors)", expected: "must be positive numbers")
        }
        let nominal = try nominalValues(of: parameters, in: run.environmentID, options: options)
        let returns = try factors.map { a in
            try factors.map { b -> Double in
                let physics = [parameters[0]: nominal[0] * a, parameters[1]: nominal[1] * b]
                let r = try run.evaluate(episodes: episodes, deterministic: true, seed: nil, recordFrames: false, physicalParameters: physics).returns
                return r.reduce(0, +) / Double(r.count)
            }
        }
        return RobustnessGrid(parameters: parameters, nominal: nominal, factors: factors, episodes: episodes, returns: returns)
    }

    /// Cell-wise mean of several grids over the same cells (several seeds).
    public static func mean(_ grids: [RobustnessGrid]) -> RobustnessGrid? {
        guard var result = grids.first else { return nil }
        for i in result.returns.indices {
            for j in result.returns[i].indices { result.returns[i][j] = grids.map { $0.returns[i][j] }.reduce(0, +) / Double(grids.count) }
        }
        return result
    }

    /// Mean return over every cell.
    public var overallMean: Double { returns.flatMap { $0 }.reduce(0, +) / Double(Swift.max(returns.count * factors.count, 1)) }
}
