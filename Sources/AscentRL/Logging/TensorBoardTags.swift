/// Stable-Baselines3's TensorBoard tag for each metrics column, so dashboards and scripts
/// written for SB3 runs read Ascent's unchanged (`rollout/ep_rew_mean`, `train/approx_kl`,
/// `time/fps`, ...). A column SB3 has no name for keeps its own under `train/`; `global_step`
/// is every event's step rather than a scalar.
enum TensorBoardTags {
    static let bySB3Name: [String: String] = [
        "update": "time/iterations",
        "wall_seconds": "time/time_elapsed",
        "steps_per_second": "time/fps",
        "episode_return": "rollout/ep_rew_mean",
        "episode_length": "rollout/ep_len_mean",
        "episodes_finished": "rollout/episodes_finished",
        "policy_loss": "train/policy_gradient_loss",
        "value_loss": "train/value_loss",
        "loss": "train/loss",
        "approx_kl": "train/approx_kl",
        "clip_fraction": "train/clip_fraction",
        "clip_range": "train/clip_range",
        "explained_variance": "train/explained_variance",
        "learning_rate": "train/learning_rate",
        "action_std": "train/std",
        "gradient_steps": "train/n_updates",
        "entropy_coefficient": "train/ent_coef",
        "exploration_rate": "rollout/exploration_rate",
    ]

    /// The tag of a metrics column.
    static func tag(forColumn column: String) -> String { bySB3Name[column] ?? "train/\(column)" }

    /// Every finite column of a row as (tag, value), `global_step` left out. On-policy rows (those
    /// with a `policy_loss`) also get SB3's `train/entropy_loss`, the negated entropy.
    static func scalars(columns: [String], values: [Double]) -> [(tag: String, value: Double)] {
        var scalars = zip(columns, values).compactMap { column, value in
            column == "global_step" || !value.isFinite ? nil : (tag: tag(forColumn: column), value: value)
        }
        if columns.contains("policy_loss"), let entropy = columns.firstIndex(of: "entropy"), values[entropy].isFinite {
            scalars.append((tag: "train/entropy_loss", value: -values[entropy]))
        }
        return scalars
    }
}
