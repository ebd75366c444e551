import Foundation

/// `print` for the whole command-line module: the standard one, then a flush, so results on
/// stdout reach a redirected log line by line, in order with the progress lines on stderr
/// (C's stdout is fully buffered when it is not a terminal). `fflush(nil)` flushes every
/// stream without naming `stdout`, a C global Swift 6 refuses to read.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(items.map { "\($0)" }.joined(separator: separator), terminator: terminator)
    fflush(nil)
}
