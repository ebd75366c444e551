func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

/// The protobuf wire format's writing half: enough for TensorBoard's events and ONNX models
/// (varints, fixed 32/64-bit values, length-delimited bytes and packed repeated integers).
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func rawVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { rawVarint(UInt64(field) << 3 | wireType) }

    mutating func varint(field: Int, _ value: UInt64) {
        key(field, 0)
        rawVarint(value)
    }

    mutating func double(field: Int, _ value: Double) {
        key(field, 1)
        bytes += littleEndianBytes(value.bitPattern)
    }

    mutating func float(field: Int, _ value: Float) {
        key(field, 5)
        bytes += littleEndianBytes(value.bitPattern)
    }

    mutating func bytes(field: Int, _ value: [UInt8]) {
        key(field, 2)
        rawVarint(UInt64(value.count))
        bytes += value
    }

    mutating func string(field: Int, _ value: String) { bytes(field: field, Array(value.utf8)) }

    mutating func message(field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field: field, inner.bytes)
    }

    /// A packed repeated int64 field.
    mutating func packed(field: Int, _ values: [Int]) {
        var inner = ProtobufWriter()
        for value in values { inner.rawVarint(UInt64(bitPattern: Int64(value))) }
        bytes(field: field, inner.bytes)
    }
}
