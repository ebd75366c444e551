import Foundation

/// Where the user's MuJoCo library and Gymnasium's model files are.
///
/// Nothing of MuJoCo or Gymnasium is shipped with Ascent: `scripts/install-mujoco.sh DIR`
/// unpacks the `mujoco-core` and `gymnasium` wheels into `DIR` (default
/// ``defaultFolder``), and `pip install mujoco gymnasium` works too.
public struct MuJoCoInstallation: Sendable {
    /// `libmujoco.so.<version>` (or `.dylib` on macOS).
    public let library: URL
    /// Gymnasium's `envs/mujoco/assets` folder (the MIT-licensed MJCF files), if found.
    public let assets: URL?

    /// The command that installs what is missing, for error messages.
    public static let installCommand = "scripts/install-mujoco.sh"

    /// `~/.local/share/ascent/mujoco`: where the install script puts the wheels by default.
    public static var defaultFolder: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/ascent/mujoco")
    }

    /// Finds the installation, or throws naming every place searched and the install command.
    public static func locate() throws -> MuJoCoInstallation {
        let environment = ProcessInfo.processInfo.environment
        if let file = environment["ASCENT_MUJOCO_LIBRARY"], !file.isEmpty {
            guard FileManager.default.fileExists(atPath: file) else { throw MuJoCoError.notInstalled(searched: ["ASCENT_MUJOCO_LIBRARY=\(file) (no such file)"]) }
            return MuJoCoInstallation(library: URL(fileURLWithPath: file), assets: candidateRoots(environment).lazy.compactMap(assets(under:)).first)
        }
        let roots = candidateRoots(environment)
        for root in roots {
            if let library = library(under: root) { return MuJoCoInstallation(library: library, assets: assets(under: root) ?? roots.lazy.compactMap(assets(under:)).first) }
        }
        throw MuJoCoError.notInstalled(searched: roots.map(\.path))
    }

    /// Folders that may hold `mujoco/` and `gymnasium/` package folders, best first.
    static func candidateRoots(_ environment: [String: String]) -> [URL] {
        var roots: [URL] = []
        if let folder = environment["ASCENT_MUJOCO"], !folder.isEmpty { roots.append(URL(fileURLWithPath: folder)) }
        roots.append(defaultFolder)
        var prefixes: [String] = []
        if let venv = environment["VIRTUAL_ENV"] { prefixes.append(venv) }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        prefixes += ["\(home)/.local", "/usr/local", "/usr", "/opt/conda"]
        if let pyenv = try? FileManager.default.contentsOfDirectory(atPath: "\(home)/.pyenv/versions") {
            prefixes += pyenv.sorted().reversed().map { "\(home)/.pyenv/versions/\($0)" }
        }
        for prefix in prefixes {
            let lib = URL(fileURLWithPath: prefix).appendingPathComponent("lib")
            guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { continue }
            for python in pythons.sorted().reversed() where python.hasPrefix("python3") {
                for packages in ["site-packages", "dist-packages"] {
                    roots.append(lib.appendingPathComponent(python).appendingPathComponent(packages))
                }
            }
        }
        return roots
    }

    /// `root/mujoco/libmujoco.so.<version>` (the newest if several).
    static func library(under root: URL) -> URL? {
        let folder = root.appendingPathComponent("mujoco")
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
        let candidates = files.filter { $0.hasPrefix("libmujoco.so") || ($0.hasPrefix("libmujoco") && $0.hasSuffix(".dylib")) }
        return candidates.sorted { $0.compare($1, options: .numeric) == .orderedAscending }.last.map { folder.appendingPathComponent($0) }
    }

    /// `root/gymnasium/envs/mujoco/assets`, if it holds Gymnasium's models.
    static func assets(under root: URL) -> URL? {
        let folder = root.appendingPathComponent("gymnasium/envs/mujoco/assets")
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("half_cheetah.xml").path) ? folder : nil
    }

    /// The MJCF file of a built-in environment: `name` as given if it is a path (contains
    /// `/` or starts with `~`), else Gymnasium's asset of that name.
    public func modelFile(_ name: String) throws -> URL {
        if name.contains("/") || name.hasPrefix("~") {
            let url = URL(fileURLWithPath: (name as NSString).expandingTildeInPath)
            guard FileManager.default.fileExists(atPath: url.path) else { throw MuJoCoError.modelFileMissing(path: url.path) }
            return url
        }
        guard let assets else { throw MuJoCoError.assetsNotInstalled(file: name) }
        let url = assets.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MuJoCoError.modelFileMissing(path: url.path) }
        return url
    }
}

/// What can go wrong between Ascent and MuJoCo, each naming the problem and the remedy.
public enum MuJoCoError: Error, CustomStringConvertible, Equatable {
    case notInstalled(searched: [String])
    case assetsNotInstalled(file: String)
    case libraryNotLoadable(path: String, reason: String)
    case missingFunction(name: String, path: String)
    case unsupportedVersion(version: String, path: String)
    case modelFileMissing(path: String)
    case compileFailed(path: String, message: String)
    case batchFailed(String)
    case unsupportedModel(path: String, reason: String)

    public var description: String {
        switch self {
        case .notInstalled(let searched):
            "MuJoCo is not installed: no libmujoco found (searched \(searched.prefix(4).joined(separator: ", "))\(searched.count > 4 ? ", …" : "")). "
                + "Install it with `\(MuJoCoInstallation.installCommand)` (or `pip install mujoco gymnasium`), or set ASCENT_MUJOCO_LIBRARY to the library file."
        case .assetsNotInstalled(let file):
            "Gymnasium's MuJoCo models are not installed, so '\(file)' cannot be found. Run `\(MuJoCoInstallation.installCommand)` "
                + "(or `pip install gymnasium`), or give the model file's path as xml_file."
        case .libraryNotLoadable(let path, let reason): "cannot load the MuJoCo library \(path): \(reason)"
        case .missingFunction(let name, let path):
            "\(path) has no function \(name): Ascent needs MuJoCo 4 (its batch API); install it with `\(MuJoCoInstallation.installCommand)`"
        case .unsupportedVersion(let version, let path):
            "\(path) is MuJoCo \(version); Ascent needs MuJoCo 4.x (tested: \(MuJoCoLibrary.testedVersions.joined(separator: ", "))). "
                + "Install it with `\(MuJoCoInstallation.installCommand)`."
        case .modelFileMissing(let path): "no MuJoCo model file at \(path)"
        case .compileFailed(let path, let message): "MuJoCo could not compile \(path): \(message)"
        case .batchFailed(let message): "MuJoCo: \(message)"
        case .unsupportedModel(let path, let reason): "\(path): \(reason)"
        }
    }
}
