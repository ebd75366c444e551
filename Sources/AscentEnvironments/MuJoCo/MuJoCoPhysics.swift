/// A MuJoCo model's physical constants by name, per simulation, for domain randomisation.
///
/// Parameters (`ascent env info <id>` lists them for a model):
/// - `gravity`: the magnitude of `opt.gravity` along −z (nominal 9.81).
/// - `body_mass:<body>`: a body's mass; its inertia is scaled with it, as a uniformly denser
///   or lighter body. `body_mass_scale` scales every body at once.
/// - `geom_friction:<geom>`: a geom's sliding friction; `geom_friction_scale` scales the
///   sliding, torsional and rolling coefficients of every geom.
/// - `dof_damping_scale`, `dof_frictionloss_scale`, `dof_armature_scale`: every joint's
///   damping, dry friction and armature.
/// - `actuator_gear:<actuator>`: an actuator's gear (its force per unit control);
///   `actuator_gear_scale` scales every actuator.
///
/// A per-object value and its scale combine: mass = nominal × body_mass_scale × (the
/// per-body factor). After a change that `mj_setConst` reads (masses, inertias, armature)
/// the derived constants are recomputed for that simulation.
final class MuJoCoPhysics {
    /// One parameter and where it acts.
    private struct Entry {
        let parameter: PhysicalParameter
        let kind: Kind
    }

    private enum Kind {
        case gravity
        case scale(Group)
        case object(Group, index: Int)
    }

    /// A group of model values moved together, with the nominal copy.
    private struct Group {
        let fields: [MuJoCoBatch.Field]
        let nominal: [[Double]]
        /// Values per object in each field (1 for masses, 3 for inertias and frictions, 6 for gears);
        /// a per-object parameter reports the first and scales them all.
        let strides: [Int]
        /// `mj_setConst` reads these values.
        let needsConstants: Bool
        let name: String
    }

    private let batch: MuJoCoBatch
    private let entries: [Entry]
    private let gravity: MuJoCoBatch.Field
    /// Per simulation: scale by group name, factor by (group name, object).
    private var scales: [[String: Double]]
    private var factors: [[String: [Double]]]
    private let groups: [String: Group]

    var parameters: [PhysicalParameter] { entries.map(\.parameter) }

    init(batch: MuJoCoBatch, model: MuJoCoModel) throws {
        self.batch = batch
        func group(_ name: String, _ fieldNames: [String], strides: [Int], needsConstants: Bool) throws -> Group {
            let fields = try fieldNames.map { try batch.expand($0) }
            return Group(fields: fields, nominal: fields.map { Array($0.row(0)) }, strides: strides, needsConstants: needsConstants, name: name)
        }
        let mass = try group("body_mass", ["body_mass", "body_inertia"], strides: [1, 3], needsConstants: true)
        let friction = try group("geom_friction", ["geom_friction"], strides: [3], needsConstants: false)
        let gear = try group("actuator_gear", ["actuator_gear"], strides: [6], needsConstants: true)
        let damping = try group("dof_damping", ["dof_damping"], strides: [1], needsConstants: false)
        let frictionLoss = try group("dof_frictionloss", ["dof_frictionloss"], strides: [1], needsConstants: false)
        let armature = try group("dof_armature", ["dof_armature"], strides: [1], needsConstants: true)
        let all = [mass, friction, gear, damping, frictionLoss, armature]
        groups = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        gravity = try batch.expand("opt.gravity")
        let nonNegative = -Double.leastNonzeroMagnitude  // "> this" admits 0
        var entries = [Entry(parameter: PhysicalParameter(name: "gravity", nominal: -gravity.row(0)[2], minimumExclusive: 0,
                                                          description: "gravitational acceleration along −z (m/s²)"), kind: .gravity)]
        let scaleDescriptions = [("body_mass", 0.0, "every body's mass and inertia, as a factor"),
                                 ("geom_friction", nonNegative, "every geom's friction coefficients, as a factor (≥ 0)"),
                                 ("actuator_gear", 0.0, "every actuator's gear, as a factor"),
                                 ("dof_damping", nonNegative, "every joint's damping, as a factor (≥ 0)"),
                                 ("dof_frictionloss", nonNegative, "every joint's dry friction, as a factor (≥ 0)"),
                                 ("dof_armature", nonNegative, "every joint's armature, as a factor (≥ 0)")]
        for (name, minimum, description) in scaleDescriptions {
            entries.append(Entry(parameter: PhysicalParameter(name: name + "_scale", nominal: 1, minimumExclusive: minimum, description: description),
                                 kind: .scale(groups[name]!)))
        }
        func objects(_ group: Group, _ type: MuJoCoModel.ObjectType, skipFirst: Bool, minimum: Double, unit: String) {
            let count = group.nominal[0].count / group.strides[0]
            for index in (skipFirst ? 1 : 0)..<count {
                let nominal = group.nominal[0][index * group.strides[0]]
                guard let object = model.name(of: index, type), nominal > 0 else { continue }  // a factor of 0 cannot be moved
                entries.append(Entry(parameter: PhysicalParameter(name: "\(group.name):\(object)", nominal: nominal,
                                                                  minimumExclusive: minimum, description: "\(object)'s \(unit)"),
                                     kind: .object(group, index: index)))
            }
        }
        objects(mass, .body, skipFirst: true, minimum: 0, unit: "mass (kg), inertia scaled with it")
        objects(friction, .geom, skipFirst: false, minimum: nonNegative, unit: "sliding friction (≥ 0; torsional and rolling scale with it)")
        objects(gear, .actuator, skipFirst: false, minimum: 0, unit: "gear")
        self.entries = entries
        scales = [[String: Double]](repeating: [:], count: batch.count)
        factors = [[String: [Double]]](repeating: [:], count: batch.count)
    }

    private func entry(_ name: String, environment: String) throws -> Entry {
        guard let entry = entries.first(where: { $0.parameter.name == name }) else {
            throw EnvironmentError.unknownParameter(environment: environment, name: name, valid: entries.map(\.parameter.name))
        }
        return entry
    }

    /// The value in force in simulation `i`.
    func value(_ name: String, simulation i: Int, environment: String) throws -> Double {
        switch try entry(name, environment: environment).kind {
        case .gravity: return -gravity.row(i)[2]
        case .scale(let group): return scales[i][group.name] ?? 1
        case .object(let group, let index): return group.nominal[0][index * group.strides[0]] * (factors[i][group.name]?[index] ?? 1)
        }
    }

    /// Sets a parameter in simulation `i` (validated against its lower bound), then refreshes
    /// the derived constants where needed.
    func set(_ name: String, to value: Double, simulation i: Int, environment: String) throws {
        let entry = try entry(name, environment: environment)
        guard value.isFinite, value > entry.parameter.minimumExclusive else {
            let bound = entry.parameter.minimumExclusive < 0 ? "≥ 0" : "> \(entry.parameter.minimumExclusive)"
            throw EnvironmentError.invalidParameter(environment: environment, name: name, reason: "must be finite and \(bound), got \(value)")
        }
        switch entry.kind {
        case .gravity:
            gravity.row(i)[2] = -value
        case .scale(let group):
            scales[i][group.name] = value
            try apply(group, simulation: i)
        case .object(let group, let index):
            var objectFactors = factors[i][group.name] ?? [Double](repeating: 1, count: group.nominal[0].count / group.strides[0])
            objectFactors[index] = value / group.nominal[0][index * group.strides[0]]
            factors[i][group.name] = objectFactors
            try apply(group, simulation: i)
        }
    }

    /// Writes a group's values for simulation `i`: nominal × scale × per-object factor.
    private func apply(_ group: Group, simulation i: Int) throws {
        let scale = scales[i][group.name] ?? 1
        let objectFactors = factors[i][group.name]
        for (k, field) in group.fields.enumerated() {
            let row = field.row(i), stride = group.strides[k]
            for j in row.indices { row[j] = group.nominal[k][j] * scale * (objectFactors?[j / stride] ?? 1) }
        }
        if group.needsConstants { try batch.setConstants(batch.count == 1 ? nil : [Int32(i)]) }
    }
}
