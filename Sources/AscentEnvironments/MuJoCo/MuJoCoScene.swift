/// What a drawing of a MuJoCo simulation needs, without any drawing code: every geom's type,
/// size, position and orientation (`geom_xpos`, `geom_xmat`), plus the joint positions,
/// velocities and controls for the report's traces.
///
/// The frame's `values` hold `geom.<g>.type` (`mjtGeom`: 0 plane, 2 sphere, 3 capsule,
/// 4 ellipsoid, 5 cylinder, 6 box), `geom.<g>.size.<k>`, `geom.<g>.pos.<k>`,
/// `geom.<g>.mat.<k>` (row-major), `qpos.<i>`, `qvel.<i>`, `ctrl.<i>`, `geoms` (the count),
/// `view` (``MuJoCoDrawing/View``) and `root_qpos` (how many leading `qpos` entries place the root).
final class MuJoCoScene {
    private let batch: MuJoCoBatch
    private let types: [Int32]
    private let sizes: MuJoCoBatch.Field
    private let positions: MuJoCoBatch.Field
    private let orientations: MuJoCoBatch.Field
    private let drawing: MuJoCoDrawing

    init(batch: MuJoCoBatch, drawing: MuJoCoDrawing) throws {
        self.batch = batch
        types = try batch.modelIntegers("geom_type")
        sizes = try batch.expand("geom_size")
        positions = try batch.output("geom_xpos")
        orientations = try batch.output("geom_xmat")
        try batch.refreshOutputs(nil)  // fill the new outputs now, not after the next step
        self.drawing = drawing
    }

    func frame(_ i: Int, kind: String) -> RenderFrame {
        var values: [String: Double] = ["geoms": Double(types.count), "view": drawing.view.rawValue, "root_qpos": Double(drawing.rootQpos)]
        let size = sizes.row(i), position = positions.row(i), orientation = orientations.row(i)
        for g in types.indices {
            values["geom.\(g).type"] = Double(types[g])
            for k in 0..<3 {
                values["geom.\(g).size.\(k)"] = size[3 * g + k]
                values["geom.\(g).pos.\(k)"] = position[3 * g + k]
            }
            for k in 0..<9 { values["geom.\(g).mat.\(k)"] = orientation[9 * g + k] }
        }
        for (name, component) in [("qpos", batch.qpos), ("qvel", batch.qvel), ("ctrl", batch.ctrl)] {
            for (k, v) in batch.row(component, i).enumerated() { values["\(name).\(k)"] = v }
        }
        return RenderFrame(kind: kind, values: values)
    }
}
