/// Everything that can be wrong with a checkpoint file or its contents, each case
/// naming the problem precisely enough to fix it.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case truncated(expectedAtLeast: Int, actual: Int)
    case headerTooLarge(declared: UInt64, available: Int)
    case invalidHeaderJSON(String)
    case invalidEntry(name: String, reason: String)
    case unsupportedDType(name: String, dtype: String)
    case offsetsOutOfRange(name: String, begin: Int, end: Int, dataSize: Int)
    case sizeMismatch(name: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    case overlappingTensors(String, String)
    case unusedBytes(begin: Int, end: Int)
    case nameMismatch(missing: [String], unexpected: [String])
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case invalidMetadata(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read checkpoint '\(path)': \(reason)"
        case .unwritable(let path, let reason): "cannot write checkpoint '\(path)': \(reason)"
        case .truncated(let expected, let actual):
            "checkpoint is truncated: needs at least \(expected) bytes, file has \(actual)"
        case .headerTooLarge(let declared, let available):
            "checkpoint header declares \(declared) bytes but only \(available) follow the 8-byte length (corrupt or not a safetensors file)"
        case .invalidHeaderJSON(let reason): "checkpoint header is not a valid safetensors JSON object: \(reason)"
        case .invalidEntry(let name, let reason): "checkpoint entry '\(name)' is malformed: \(reason)"
        case .unsupportedDType(let name, let dtype):
            "checkpoint tensor '\(name)' has dtype '\(dtype)'; supported: F32, F16, BF16, F64 (read as Float32), and BOOL, U8, I8, I16, U16, I32, U32, I64, U64 (listed, not read)"
        case .offsetsOutOfRange(let name, let begin, let end, let size):
            "checkpoint tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(size)-byte data section"
        case .sizeMismatch(let name, let shape, let expected, let actual):
            "checkpoint tensor '\(name)' of shape \(shape) needs \(expected) bytes but its offsets span \(actual)"
        case .overlappingTensors(let a, let b): "checkpoint tensors '\(a)' and '\(b)' overlap in the data section"
        case .unusedBytes(let begin, let end): "checkpoint data bytes \(begin)..<\(end) belong to no tensor (corrupt file)"
        case .nameMismatch(let missing, let unexpected):
            "checkpoint does not match the model: missing \(missing.isEmpty ? "nothing" : missing.joined(separator: ", ")); unexpected \(unexpected.isEmpty ? "nothing" : unexpected.joined(separator: ", "))"
        case .shapeMismatch(let name, let expected, let found):
            "checkpoint tensor '\(name)' has shape \(found), the model expects \(expected)"
        case .invalidMetadata(let reason): "checkpoint metadata is invalid: \(reason)"
        }
    }
}
