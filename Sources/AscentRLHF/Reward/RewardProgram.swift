import Foundation

/// A reward computed by a program of the user's: `command` runs under `/bin/sh -c`, reads one
/// JSON object per response on standard input (`{"prompt", "completion", "answer"}`, answer
/// only when the prompt has one) and writes one number per line on standard output, in the
/// same order. All of a round's responses go to one run of the program, so its start-up cost
/// is paid once per round.
///
/// A program that exits with an error, does not finish within `timeoutSeconds`, or prints
/// anything but one finite number per response stops training with an error that says which,
/// with the end of what it wrote to standard error.
public struct RewardProgram: Codable, Sendable, Equatable {
    public var command: String
    public var timeoutSeconds: Double

    public init(command: String, timeoutSeconds: Double = 60) {
        (self.command, self.timeoutSeconds) = (command, timeoutSeconds)
    }

    public func validate() throws {
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw RLHFError.invalidInput("the reward program's command is empty") }
        guard timeoutSeconds.isFinite, timeoutSeconds > 0 else { throw RLHFError.invalidInput("the reward program's timeout must be positive, got \(timeoutSeconds)") }
    }

    public func scores(prompts: [String], responses: [String], answers: [String?]) throws -> [Double] {
        var input = Data()
        for ((prompt, completion), answer) in zip(zip(prompts, responses), answers) {
            var row = ["prompt": prompt, "completion": completion]
            if let answer { row["answer"] = answer }
            input += try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]) + Data("\n".utf8)
        }
        let (status, output, errors) = try run(input: input)
        let tail = String(decoding: errors.suffix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = tail.isEmpty ? "" : "; its standard error ends: \(tail)"
        guard status == 0 else { throw RLHFError.invalidInput("the reward program `\(command)` exited with status \(status)\(detail)") }
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.count == responses.count else {
            throw RLHFError.invalidInput("the reward program `\(command)` printed \(lines.count) lines for \(responses.count) responses; it must print one number per response\(detail)")
        }
        return try lines.enumerated().map { index, line in
            guard let value = Double(line.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw RLHFError.invalidInput("the reward program `\(command)` printed '\(line.prefix(80))' on line \(index + 1); each line must be one finite number")
            }
            return value
        }
    }

    /// Runs the command with `input` on standard input; standard output and error are read on
    /// their own threads while input is written, so neither side can block the other.
    private func run(input: Data) throws -> (status: Int32, output: Data, errors: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        (process.standardInput, process.standardOutput, process.standardError) = (stdin, stdout, stderr)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        signal(SIGPIPE, SIG_IGN)  // a program that exits without reading its input must not kill us
        do { try process.run() } catch {
            throw RLHFError.invalidInput("the reward program `\(command)` could not start: \(error.localizedDescription)")
        }
        let collected = CollectedOutput()
        let readers = DispatchGroup()
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            DispatchQueue.global().async(group: readers) { collected.append(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError) }
        }
        try? stdin.fileHandleForWriting.write(contentsOf: input)
        try? stdin.fileHandleForWriting.close()
        guard finished.wait(timeout: .now() + timeoutSeconds) == .success else {
            process.terminate()
            if finished.wait(timeout: .now() + 2) != .success { kill(process.processIdentifier, SIGKILL) }
            throw RLHFError.invalidInput("the reward program `\(command)` did not finish within \(timeoutSeconds) s (--reward-timeout sets the limit)")
        }
        readers.wait()
        return (process.terminationStatus, collected.output, collected.errors)
    }
}

/// Standard output and error as two reader threads append them.
/// `@unchecked Sendable`: every access goes through `lock`.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()

    func append(_ data: Data, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { err += data } else { out += data }
    }

    var output: Data { lock.lock(); defer { lock.unlock() }; return out }
    var errors: Data { lock.lock(); defer { lock.unlock() }; return err }
}
