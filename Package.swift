// swift-tools-version: 6.1
import PackageDescription

// Layers, imports only pointing down:
//   AscentRandom  <-  AscentKernels (C) + AscentTensor  <-  RL, RLHF, Reporting  <-  ascent (CLI)
//   AscentRandom + AscentSpinHint (C)  <-  AscentEnvironments (no ML): the second foundation;
//   RL builds on both.
let package = Package(
    name: "Ascent",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AscentRandom", targets: ["AscentRandom"]),
        .library(name: "AscentTensor", targets: ["AscentTensor"]),
        .library(name: "AscentEnvironments", targets: ["AscentEnvironments"]),
        .library(name: "AscentRL", targets: ["AscentRL"]),
        .library(name: "AscentReport", targets: ["AscentReport"]),
        .library(name: "AscentRLHF", targets: ["AscentRLHF"]),
        .executable(name: "ascent", targets: ["AscentCLI"]),
        .executable(name: "ascent-fuzz", targets: ["AscentFuzz"]),
    ],
    traits: [
        .trait(name: "OpenBLAS", description: "Use the system OpenBLAS (libopenblas-dev) for matrix multiplication instead of Ascent's own kernels."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Hot loops in C, compiled per function for AVX-512, AVX2+FMA and a portable
        // fallback, chosen at run time. No build flags needed.
        .target(name: "AscentKernels"),
        // Seeded, portable random numbers: shared by the tensor engine and the environments.
        .target(name: "AscentRandom"),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "AscentTensor",
            dependencies: [
                "AscentKernels",
                "AscentRandom",
                .target(name: "COpenBLAS", condition: .when(traits: ["OpenBLAS"])),
            ]
        ),
        // The CPU's spin-wait hint, for the vector environments' worker threads.
        .target(name: "AscentSpinHint"),
        // Gymnasium-exact environments, vector environments and wrappers. No ML inside.
        .target(name: "AscentEnvironments", dependencies: ["AscentRandom", "AscentSpinHint"]),
        // Distributions, policies, buffers and algorithms: builds on both foundations.
        .target(name: "AscentRL", dependencies: ["AscentTensor", "AscentEnvironments"]),
        // Language models for RLHF: tokenizer, GPT-2 transformer, reward model, PPO/GRPO/DPO.
        .target(name: "AscentRLHF", dependencies: ["AscentTensor", "AscentRL"]),
        // Self-contained HTML reports: learning curves, debugging signals, the policy acting.
        .target(name: "AscentReport", dependencies: ["AscentRL", "AscentRLHF"]),
        .executableTarget(
            name: "AscentCLI",
            dependencies: [
                "AscentTensor",
                "AscentEnvironments",
                "AscentRL",
                "AscentReport",
                "AscentRLHF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),  // --config files (RL Zoo's YAML)
            ]
        ),
        // Seeded mutation fuzzing of every file format and decoder (CI runs it for a bounded time).
        .executableTarget(name: "AscentFuzz", dependencies: ["AscentTensor", "AscentEnvironments", "AscentRL", "AscentRLHF"]),
        .testTarget(name: "AscentTensorTests", dependencies: ["AscentTensor", "AscentRandom"]),
        .testTarget(name: "AscentRLTests", dependencies: ["AscentRL"]),
        .testTarget(name: "AscentCLITests", dependencies: ["AscentCLI"]),
        .testTarget(name: "AscentReportTests", dependencies: ["AscentReport"]),
        .testTarget(name: "AscentRLHFTests", dependencies: ["AscentRLHF"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AscentEnvironmentsTests", dependencies: ["AscentEnvironments"],
                    resources: [.copy("Fixtures")]),
        // MuJoCo environments and training on them; skipped where MuJoCo is not installed.
        .testTarget(name: "AscentMuJoCoTests", dependencies: ["AscentEnvironments", "AscentRL"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
