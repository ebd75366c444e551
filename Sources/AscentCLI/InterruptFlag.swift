import Dispatch
import Foundation
import Synchronization

/// Set by SIGINT (Ctrl-C); training stops after the current update (a gradient step; an RLHF
/// stage's step) and saves. Once everything is saved, a Ctrl-C exits at once.
final class InterruptFlag {
    private final class Box: Sendable {
        let value = Atomic<Bool>(false)
        let exitsAtOnce = Atomic<Bool>(false)
    }
    private let flag = Box()
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let flag = self.flag
        source.setEventHandler {
            if flag.exitsAtOnce.load(ordering: .relaxed) {
                FileHandle.standardError.write(Data("\ninterrupted; the checkpoint and report are saved\n".utf8))
                exit(130)
            }
            if flag.value.exchange(true, ordering: .relaxed) {
                exit(130)  // second Ctrl-C: stop at once
            }
            FileHandle.standardError.write(Data("\nstopping after this step and saving (Ctrl-C again to quit at once)...\n".utf8))
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    var isSet: Bool { flag.value.load(ordering: .relaxed) }

    /// After the final save nothing is lost by stopping: a Ctrl-C then exits with 130 at once.
    func exitsAtOnce() { flag.exitsAtOnce.store(true, ordering: .relaxed) }
}
