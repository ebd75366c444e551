import Foundation
import Testing
@testable import AscentTensor

@Suite("safetensors checkpoints")
struct SafeTensorsTests {
    @Test func roundTripsTensorsAndMetadata() throws {
        let file = SafeTensors(tensors: ["b": Tensor([[1, 2], [3, 4]]), "a": Tensor([5]), "scalar": Tensor(7), "empty": .zeros([0, 3])],
                               metadata: ["format": "pt", "step": "12"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        let loaded = try SafeTensors.read(from: url)
        #expect(loaded.metadata == file.metadata)
        #expect(Set(loaded.tensors.keys) == Set(file.tensors.keys))
        for (name, tensor) in file.tensors {
            #expect(loaded.tensors[name]?.shape == tensor.shape)
            #expect(loaded.tensors[name]?.scalars == tensor.scalars)
        }
        #expect(file.encoded() == loaded.encoded())  // deterministic bytes
        // No temporary files left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(url.lastPathComponent).tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func readsHalfPrecisionTypes() throws {
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.5 = 0x3FC0.
        let data = file(header: #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}"#,
                        bytes: [0x00, 0x3C, 0x00, 0xC0, 0xC0, 0x3F])
        let loaded = try SafeTensors.decode(data)
        #expect(loaded.tensors["h"]?.scalars == [1, -2])
        #expect(loaded.tensors["b"]?.scalars == [1.5])
    }

    /// A file from a header string and data bytes.
    func file(header: String, bytes: [UInt8], declaredLength: UInt64? = nil) -> Data {
        var data = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(contentsOf: bytes)
        return data
    }

    static let entry = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    /// Integer and boolean tensors (causal-mask buffers in Hugging Face files) are checked and
    /// listed, not read as floats.
    @Test func integerAndBooleanTensorsAreListed() throws {
        let header = #"{"mask":{"dtype":"BOOL","shape":[2,2],"data_offsets":[0,4]},"ids":{"dtype":"I64","shape":[1],"data_offsets":[4,12]},"x":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#
        let decoded = try SafeTensors.decode(file(header: header, bytes: [1, 0, 1, 1] + [UInt8](repeating: 0, count: 8) + [0, 0, 0x80, 0x3f]))
        #expect(decoded.tensors.keys.sorted() == ["x"] && decoded.tensors["x"]?.scalars == [1])
        #expect(decoded.nonFloatTensors["mask"]?.dtype == "BOOL" && decoded.nonFloatTensors["mask"]?.shape == [2, 2])
        #expect(decoded.nonFloatTensors["ids"]?.dtype == "I64")
    }

    @Test func malformedFilesGiveSpecificErrors() {
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [(Data, CheckpointError)] = [
            (Data([1, 2, 3]), .truncated(expectedAtLeast: 8, actual: 3)),
            (file(header: Self.entry, bytes: eight, declaredLength: 1 << 40), .headerTooLarge(declared: 1 << 40, available: Self.entry.utf8.count + 8)),
            (file(header: "{not json", bytes: []), .invalidHeaderJSON("JSON header starts at byte 8")),
            (file(header: "[1, 2]", bytes: []), .invalidHeaderJSON("the top level is not an object")),
            (file(header: #"{"x":{"dtype":"C64","shape":[2],"data_offsets":[0,16]}}"#, bytes: eight + eight), .unsupportedDType(name: "x", dtype: "C64")),
            (file(header: #"{"x":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}"#, bytes: eight), .sizeMismatch(name: "x", shape: [2], expectedBytes: 16, actualBytes: 8)),
            (file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, bytes: eight), .offsetsOutOfRange(name: "x", begin: 0, end: 16, dataSize: 8)),
            (file(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, bytes: eight), .sizeMismatch(name: "x", shape: [3], expectedBytes: 12, actualBytes: 8)),
            (file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, bytes: eight),
             .overlappingTensors("x", "y")),
            (file(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, bytes: eight), .unusedBytes(begin: 0, end: 4)),
            (file(header: #"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}"#, bytes: eight),
             .invalidEntry(name: "x", reason: "'shape' must be an array of non-negative integers")),
            (file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, bytes: eight), .offsetsOutOfRange(name: "x", begin: 8, end: 0, dataSize: 8)),
            (file(header: #"{"x":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, bytes: eight),
             .sizeMismatch(name: "x", shape: [4611686018427387904, 4], expectedBytes: Int.max, actualBytes: 8)),
            (file(header: #"{"__metadata__":{"step":3}}"#, bytes: []), .invalidMetadata("value of 'step' is not a string")),
            (file(header: Self.entry, bytes: [0, 0, 0, 0]), .offsetsOutOfRange(name: "x", begin: 0, end: 8, dataSize: 4)),
        ]
        for (data, expected) in cases {
            do {
                _ = try SafeTensors.decode(data)
                Issue.record("decoding should fail with \(expected)")
            } catch {
                if case .invalidHeaderJSON = expected, case .invalidHeaderJSON(let reason) = error {
                    // A malformed header says where it breaks, not only Foundation's "not in the correct format".
                    if case .invalidHeaderJSON(let wanted) = expected { #expect(reason.contains(wanted), "\(reason)") }
                } else {
                    #expect(error == expected)
                }
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func missingFileIsReportedWithItsPath() {
        #expect {
            try SafeTensors.read(from: URL(fileURLWithPath: "/nonexistent/model.safetensors"))
        } throws: { error in
            guard let error = error as? CheckpointError, case .unreadable(let path, _) = error else { return false }
            return path == "/nonexistent/model.safetensors"
        }
    }

    @Test func randomCorruptionNeverCrashes() throws {
        let valid = SafeTensors(tensors: ["w": Tensor(shape: [3, 4], (0..<12).map(Float.init)), "b": Tensor([1, 2, 3])],
                                metadata: ["k": "v"]).encoded()
        var generator = RandomGenerator(seed: 9, stream: "fuzz")
        for _ in 0..<2000 {
            var bytes = [UInt8](valid)
            for _ in 0...generator.integer(below: 4) {
                bytes[generator.integer(below: bytes.count)] = UInt8(generator.integer(below: 256))
            }
            if generator.integer(below: 4) == 0 { bytes.removeLast(generator.integer(below: bytes.count)) }
            _ = try? SafeTensors.decode(Data(bytes))  // must return or throw, never trap
        }
    }
}
