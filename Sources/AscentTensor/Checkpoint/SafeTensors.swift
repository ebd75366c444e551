import Foundation

/// A set of named tensors with string metadata in the safetensors format
/// (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
/// length N, N bytes of JSON `{name: {dtype, shape, data_offsets}, "__metadata__": {...}}`,
/// then the raw little-endian tensor bytes.
///
/// Files written here are read by Python's `safetensors` package and vice
/// versa. Reading validates everything before touching tensor bytes and throws a
/// ``CheckpointError`` naming the first problem; it never reads out of bounds.
public struct SafeTensors: Sendable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]
    /// Integer and boolean tensors of a file that was read (causal-mask buffers such as GPT-2's
    /// `attn.bias`, position ids), validated but not converted: name → (dtype, shape). Loaders
    /// ignore the ones they know and refuse the others by name. Never written.
    public var nonFloatTensors: [String: (dtype: String, shape: [Int])] = [:]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Largest header accepted (the reference implementation's limit).
    static let maximumHeaderSize = 100_000_000

    // MARK: Writing

    /// The file's bytes: tensors in name order (deterministic output), stored as F32.
    public func encoded() -> Data {
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let bytes = tensor.count * MemoryLayout<Float>.size
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        // Sorted keys: the same tensors always give the same bytes.
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }  // align the data section, as the reference writer does
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        }
        return data
    }

    /// Writes atomically (temporary file, fsync, rename): an interrupted save leaves the previous file intact.
    public func write(to url: URL) throws(CheckpointError) {
        try AtomicFile.write(encoded(), to: url)
    }

    // MARK: Reading

    /// Reads `url` through a read-only memory map (Foundation's `.mappedIfSafe` copies the
    /// file on Linux), so decoding touches each byte of the file once.
    public static func read(from url: URL) throws(CheckpointError) -> SafeTensors {
        let data: Data
        do {
            data = try mapped(url) ?? Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data)
    }

    /// The file's bytes mapped read-only, unmapped when the Data is freed; nil when mapping is
    /// not possible (an empty file, a pipe), for the caller to read instead.
    private static func mapped(_ url: URL) throws -> Data? {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno), userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))]) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }  // mmap itself refuses what is not a file
        let size = Int(status.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        return Data(bytesNoCopy: address, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
    }

    public static func decode(_ data: Data) throws(CheckpointError) -> SafeTensors {
        guard data.count >= 8 else { throw .truncated(expectedAtLeast: 8, actual: data.count) }
        let declared = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard declared <= UInt64(data.count - 8), declared <= UInt64(maximumHeaderSize) else {
            throw .headerTooLarge(declared: declared, available: data.count - 8)
        }
        let headerSize = Int(declared)
        let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + headerSize))
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: headerBytes)
        } catch {
            // Foundation's own description says only "not in the correct format"; the debug
            // description says where ("around character 5"), counted from the header's start.
            let error = error as NSError
            let detail = (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
            throw .invalidHeaderJSON("\(detail) (the \(headerSize)-byte JSON header starts at byte 8 of the file)")
        }
        guard let header = object as? [String: Any] else { throw .invalidHeaderJSON("the top level is not an object") }
        let dataStart = 8 + headerSize
        let dataSize = data.count - dataStart

        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw .invalidMetadata("__metadata__ is not an object") }
                for (key, item) in map {
                    guard let text = item as? String else { throw .invalidMetadata("value of '\(key)' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let entry = value as? [String: Any] else { throw .invalidEntry(name: name, reason: "not an object") }
            guard let dtypeName = entry["dtype"] as? String else { throw .invalidEntry(name: name, reason: "missing string 'dtype'") }
            guard let dtype = DType(rawValue: dtypeName) else { throw .unsupportedDType(name: name, dtype: dtypeName) }
            guard let shapeValues = entry["shape"] as? [Any], let shape = integers(shapeValues) else {
                throw .invalidEntry(name: name, reason: "'shape' must be an array of non-negative integers")
            }
            guard let offsetValues = entry["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
                throw .invalidEntry(name: name, reason: "'data_offsets' must be two non-negative integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end <= dataSize else {
                throw .offsetsOutOfRange(name: name, begin: begin, end: end, dataSize: dataSize)
            }
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataSize else {
                    throw .sizeMismatch(name: name, shape: shape, expectedBytes: Int.max, actualBytes: end - begin)
                }
                elements = product
            }
            guard elements * dtype.size == end - begin else {
                throw .sizeMismatch(name: name, shape: shape, expectedBytes: elements * dtype.size, actualBytes: end - begin)
            }
            entries.append((name, dtype, shape, begin, end))
        }
        // The data section must be covered exactly once: no overlaps, no holes.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for (i, entry) in entries.enumerated() {
            if entry.begin < covered { throw .overlappingTensors(entries[i - 1].name, entry.name) }
            if entry.begin > covered { throw .unusedBytes(begin: covered, end: entry.begin) }
            covered = entry.end
        }
        if covered != dataSize { throw .unusedBytes(begin: covered, end: dataSize) }

        var tensors: [String: Tensor] = [:]
        var nonFloat: [String: (dtype: String, shape: [Int])] = [:]
        for entry in entries where !entry.dtype.isFloat { nonFloat[entry.name] = (entry.dtype.rawValue, entry.shape) }
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for entry in entries where entry.dtype.isFloat {
                let bytes = UnsafeRawBufferPointer(rebasing: raw[(dataStart + entry.begin)..<(dataStart + entry.end)])
                let storage = TensorStorage(uninitializedCount: (entry.end - entry.begin) / entry.dtype.size)
                entry.dtype.convert(bytes, into: storage.pointer, count: storage.count)
                tensors[entry.name] = Tensor(shape: entry.shape, storage: storage)
            }
        }
        var file = SafeTensors(tensors: tensors, metadata: metadata)
        file.nonFloatTensors = nonFloat
        return file
    }

    /// Non-negative integers from JSON numbers, or nil (booleans and fractions are rejected).
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            if type(of: value) == Bool.self { return nil }
            #if canImport(Darwin)
            if let number = value as? NSNumber, CFGetTypeID(number) == CFBooleanGetTypeID() { return nil }
            #endif
            if let integer = value as? Int, integer >= 0 {
                result.append(integer)
            } else if let double = value as? Double, double >= 0, double == double.rounded(), double < 9.0e15 {
                result.append(Int(double))
            } else {
                return nil
            }
        }
        return result
    }

    /// Element types read from files: floats are converted to Float32; integers and booleans
    /// are checked and listed in ``nonFloatTensors``.
    enum DType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
        case bool = "BOOL", u8 = "U8", i8 = "I8", i16 = "I16", u16 = "U16", i32 = "I32", u32 = "U32", i64 = "I64", u64 = "U64"

        var size: Int {
            switch self {
            case .bool, .u8, .i8: 1
            case .f16, .bf16, .i16, .u16: 2
            case .f32, .i32, .u32: 4
            case .f64, .i64, .u64: 8
            }
        }

        var isFloat: Bool { [.f32, .f16, .bf16, .f64].contains(self) }

        func convert(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>, count: Int) {
            switch self {
            case .f32:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .f64:
                for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .bf16:
                for i in 0..<count {
                    let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            case .f16:
                for i in 0..<count {
                    out[i] = halfToFloat(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            default:
                preconditionFailure("\(rawValue) tensors are not converted")
            }
        }

        /// IEEE binary16 → binary32, exact (including subnormals, infinities and NaN).
        private func halfToFloat(_ h: UInt16) -> Float {
            let sign: Float = h & 0x8000 != 0 ? -1 : 1
            let exponent = Int((h >> 10) & 0x1f), fraction = Float(h & 0x3ff)
            switch exponent {
            case 0: return sign * fraction * 0x1p-24
            case 31: return fraction == 0 ? sign * .infinity : .nan
            default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
            }
        }
    }
}
