/// TensorBoard's event files (`events.out.tfevents.*`), written by hand rather than through
/// swift-protobuf: scalars need three tiny messages, and a generated dependency would outweigh them.
///
/// A file is a sequence of TFRecords:
///
///     uint64 length (little-endian) · uint32 masked CRC-32C of the length · data · uint32 masked CRC-32C of the data
///
/// whose data is one serialised `tensorflow.Event`:
///
///     Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
///     Summary { repeated Value value = 1; }
///     Value   { string tag = 1; float simple_value = 2; }
///
/// The first record names the format version (`brain.Event:2`); every later one holds the
/// scalars of one step.
public enum TensorBoardEvents {
    /// The record that starts every event file.
    static func fileVersionRecord(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(field: 1, wallTime)
        event.bytes(field: 3, Array("brain.Event:2".utf8))
        return record(event.bytes)
    }

    /// One record holding `scalars` at `step`; non-finite values are left out (TensorBoard
    /// would draw them as gaps anyway, and a missing quantity is NaN in Ascent's metrics).
    static func scalarRecord(_ scalars: [(tag: String, value: Double)], step: Int, wallTime: Double) -> [UInt8] {
        var summary = ProtobufWriter()
        for (tag, value) in scalars where value.isFinite {
            var entry = ProtobufWriter()
            entry.bytes(field: 1, Array(tag.utf8))
            entry.float(field: 2, Float(value))
            summary.bytes(field: 1, entry.bytes)
        }
        var event = ProtobufWriter()
        event.double(field: 1, wallTime)
        event.varint(field: 2, UInt64(bitPattern: Int64(step)))
        event.bytes(field: 5, summary.bytes)
        return record(event.bytes)
    }

    private static func record(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndianBytes(UInt64(data.count))
        return length + littleEndianBytes(CRC32C.masked(length)) + data + littleEndianBytes(CRC32C.masked(data))
    }

    /// The complete, intact records of a file with the step of each (0 for the version
    /// record); reading stops at the first truncated or corrupt record.
    static func records(in file: [UInt8]) -> [(bytes: Range<Int>, step: Int)] {
        var result: [(Range<Int>, Int)] = []
        var offset = 0
        while offset + 12 <= file.count {
            let lengthBytes = file[offset..<offset + 8]
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard readUInt32(file, at: offset + 8) == CRC32C.masked(lengthBytes), length <= UInt64(file.count - offset - 16) else { break }
            let data = file[offset + 12..<offset + 12 + Int(length)]
            guard readUInt32(file, at: data.endIndex) == CRC32C.masked(data), let step = ProtobufReader.step(ofEvent: data) else { break }
            result.append((offset..<data.endIndex + 4, step))
            offset = data.endIndex + 4
        }
        return result
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}

/// Enough of the reading half to find an Event's step: walks the top-level fields.
private enum ProtobufReader {
    /// Field 2 of a serialised Event (0 when absent, as protobuf defaults it); nil if malformed.
    static func step(ofEvent data: ArraySlice<UInt8>) -> Int? {
        var index = data.startIndex
        var step: Int64 = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard index < data.endIndex else { return nil }
                let byte = data[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
            }
            return nil
        }
        while index < data.endIndex {
            guard let key = varint() else { return nil }
            switch key & 7 {
            case 0:
                guard let value = varint() else { return nil }
                if key >> 3 == 2 { step = Int64(bitPattern: value) }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length <= UInt64(data.endIndex - index) else { return nil }
                index += Int(length)
            default: return nil
            }
            guard index <= data.endIndex else { return nil }
        }
        return Int(step)
    }
}
