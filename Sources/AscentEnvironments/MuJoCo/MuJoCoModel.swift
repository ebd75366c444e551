import Foundation

/// A compiled MuJoCo model (`mjModel`), loaded from an MJCF file.
///
/// `@unchecked Sendable`: the model is never written after compilation (batches simulate
/// their own copies), and MuJoCo's read-only functions may share it across threads.
public final class MuJoCoModel: @unchecked Sendable {
    let library: MuJoCoLibrary
    let handle: OpaquePointer
    /// The file it was compiled from.
    public let file: URL

    /// Compiles `file`; MuJoCo's compiler message is the error if it fails.
    public init(file: URL, library: MuJoCoLibrary? = nil) throws {
        let library = try library ?? MuJoCoLibrary.shared()
        guard FileManager.default.fileExists(atPath: file.path) else { throw MuJoCoError.modelFileMissing(path: file.path) }
        var message = [CChar](repeating: 0, count: 1_000)
        let count = Int32(message.count)
        let model = file.path.withCString { path in message.withUnsafeMutableBufferPointer { library.loadXML(path, nil, $0.baseAddress, count) } }
        guard let model else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw MuJoCoError.compileFailed(path: file.path, message: text.isEmpty ? "unknown error" : text)
        }
        self.library = library
        self.handle = model
        self.file = file
    }

    deinit { library.deleteModel(handle) }

    /// MuJoCo's object types (`mjtObj`) that names are looked up in.
    enum ObjectType: Int32 {
        case body = 1, geom = 5, site = 6, actuator = 19
    }

    /// The name of object `id`, or nil if it has none.
    func name(of id: Int, _ type: ObjectType) -> String? {
        guard let name = library.id2name(handle, type.rawValue, Int32(id)).map({ String(cString: $0) }), !name.isEmpty else { return nil }
        return name
    }

    /// The id of a named object, or an error listing what the model is.
    func id(of name: String, _ type: ObjectType) throws -> Int {
        let id = name.withCString { library.name2id(handle, type.rawValue, $0) }
        guard id >= 0 else { throw MuJoCoError.unsupportedModel(path: file.path, reason: "has no \(type) named '\(name)'") }
        return Int(id)
    }
}
