#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive lock on a run directory while one process writes it (`<run>/.lock`, `flock`):
/// a second `train --out` or `resume` on the same directory is refused with the holder's pid
/// instead of interleaving its metrics and checkpoints. The kernel drops the lock when the
/// holder exits, however it exits, so a killed run never leaves the directory locked.
public final class RunLock {
    private let descriptor: Int32

    /// Takes the lock or throws, naming the process that holds it.
    public convenience init(_ directory: RunDirectory) throws { try self.init(directory: directory.url) }

    /// Takes the lock on any directory written by one command at a time (an RLHF directory).
    public init(directory: URL) throws {
        let path = directory.appendingPathComponent(".lock").path
        descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw RLError.invalidRunDirectory("cannot open \(path) to lock the run directory: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw RLError.invalidRunDirectory("'\(directory.path)' is being written by another process (pid \(holder.isEmpty ? "unknown" : holder)); wait for it to finish or stop it")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(descriptor) }
}
