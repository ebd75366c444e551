import Foundation
import Testing
@testable import AscentRL

/// TensorBoard's record framing and Event encoding, checked against the published CRC-32C
/// check value and by reading the records back (CI also reads a run's file with Python's
/// `tensorboard`, scripts/verify_tensorboard.py).
@Suite("TensorBoard events")
struct TensorBoardEventsTests {
    @Test func crc32cMatchesTheCastagnoliCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720 B.4, 32 bytes of zeros
        let crc = CRC32C.checksum([1, 2, 3])
        #expect(CRC32C.masked([1, 2, 3]) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func scalarEventsAreFramedAndEncodedAsTensorFlowDoes() {
        let record = TensorBoardEvents.scalarRecord([("a", 1.5)], step: 300, wallTime: 2)
        // Event: wall_time (field 1, fixed64) = 2.0, step (field 2, varint) = 300 (0xAC 0x02),
        // summary (field 5) = { value (field 1) = { tag (1) = "a", simple_value (2, fixed32) = 1.5 } }.
        let data: [UInt8] = [0x09, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x10, 0xAC, 0x02,
                             0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0x00, 0x00, 0xC0, 0x3F]
        let length: [UInt8] = [UInt8(data.count), 0, 0, 0, 0, 0, 0, 0]
        #expect(Array(record[0..<8]) == length)
        #expect(Array(record[12..<12 + data.count]) == data)
        #expect(record.count == 12 + data.count + 4)
    }

    @Test func recordsReadBackWithTheirStepsAndReadingStopsAtDamage() {
        var file = TensorBoardEvents.fileVersionRecord(wallTime: 1)
        for step in [0, 7, 1 << 40] { file += TensorBoardEvents.scalarRecord([("x", Double(step)), ("nan", .nan)], step: step, wallTime: 1) }
        #expect(TensorBoardEvents.records(in: file).map(\.step) == [0, 0, 7, 1 << 40])
        #expect(TensorBoardEvents.records(in: file).last?.bytes.upperBound == file.count)
        var corrupt = file
        corrupt[corrupt.count - 6] ^= 1  // a bit flip inside the last record's data
        #expect(TensorBoardEvents.records(in: corrupt).count == 3)
        #expect(TensorBoardEvents.records(in: Array(file.dropLast(3))).count == 3)  // truncated
        #expect(TensorBoardEvents.records(in: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]).isEmpty)
    }

    @Test func metricsColumnsGetStableBaselines3Tags() {
        let scalars = TensorBoardTags.scalars(columns: ["update", "global_step", "episode_return", "policy_loss", "entropy", "mystery", "q"],
                                              values: [3, 300, -12, 0.1, 0.7, 5, .nan])
        let byTag = Dictionary(uniqueKeysWithValues: scalars.map { ($0.tag, $0.value) })
        #expect(byTag == ["time/iterations": 3, "rollout/ep_rew_mean": -12, "train/policy_gradient_loss": 0.1, "train/entropy": 0.7,
                          "train/entropy_loss": -0.7, "train/mystery": 5])
    }
}
