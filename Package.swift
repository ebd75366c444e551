// swift-tools-version: 6.1
import PackageDescription

// Layers, imports only pointing down:
//   AscentKernels (C)  ->  AscentTensor  ->  ... RL, RLHF, Reporting  ->  ascent (CLI)
//   AscentEnvironments (no ML) is the second foundation; RL builds on both.
let package = Package(
    name: "Ascent",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "AscentTensor", targets: ["AscentTensor"]),
        .executable(name: "ascent", targets: ["AscentCLI"]),
    ],
    traits: [
        .trait(name: "OpenBLAS", description: "Use the system OpenBLAS (libopenblas-dev) for matrix multiplication instead of Ascent's own kernels."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Hot loops in C, compiled per function for AVX-512, AVX2+FMA and a portable
        // fallback, chosen at run time. No build flags needed.
        .target(name: "AscentKernels"),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "AscentTensor",
            dependencies: [
                "AscentKernels",
                .target(name: "COpenBLAS", condition: .when(traits: ["OpenBLAS"])),
            ]
        ),
        .executableTarget(
            name: "AscentCLI",
            dependencies: [
                "AscentTensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "AscentTensorTests", dependencies: ["AscentTensor"]),
    ],
    swiftLanguageModes: [.v6]
)
