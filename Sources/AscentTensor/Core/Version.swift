/// The library version, recorded in checkpoints and run configurations.
public enum AscentVersion {
    public static let string = "0.1.0"
}
