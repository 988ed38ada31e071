// swift-tools-version:6.0
//
// SwiftSER: speech emotion recognition in Swift.
//
// Layers (each a library product that can be imported alone; dependencies point one way only):
//   SERTensor -> SERAudio -> SERFeatures -> SERModels -> SERTraining -> ser-cli
// System libraries come from Debian packages through small C shim targets (CBLAS, CLAPACKE,
// CSndFile, CSampleRate, CDNNL, …). See Docs/Dependencies.md for why each dependency is here.
import PackageDescription

let package = Package(
    name: "SwiftSER",
    platforms: [.macOS(.v13)],
    products: [
        // Public API
        .library(name: "SERTensor", targets: ["SERTensor"]),
        .library(name: "SERAudio", targets: ["SERAudio"]),
        .library(name: "SERFeatures", targets: ["SERFeatures"]),
        .library(name: "SERModels", targets: ["SERModels"]),
        .library(name: "SERTraining", targets: ["SERTraining"]),
        // Data-parallel training over Open MPI (needs libopenmpi-dev; the layers above do not depend on it).
        .library(name: "SERDistributed", targets: ["SERDistributed"]),
        .library(name: "SERExport", targets: ["SERExport"]),
        .executable(name: "ser-cli", targets: ["ser-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        // ONNX export only (SERExport): the ONNX protobuf messages, generated once into onnx.pb.swift.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // `make docs` only (swift package generate-documentation); no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Implementation details: system-library shims (Debian packages, found with pkg-config).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSampleRate", path: "Sources/CSampleRate", pkgConfig: "samplerate",
                       providers: [.apt(["libsamplerate0-dev"])]),
        // No pkgConfig: its -D flags are prohibited by SwiftPM, and the headers' defaults are the same.
        .systemLibrary(name: "CKissFFT", path: "Sources/CKissFFT", providers: [.apt(["libkissfft-dev"])]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // LIBSVM (what scikit-learn's SVC wraps); no pkg-config file, `link "svm"` in its module map.
        .systemLibrary(name: "CLibSVM", path: "Sources/CLibSVM", providers: [.apt(["libsvm-dev"])]),
        // oneDNN (what PyTorch runs on x86 CPUs), for its float32 GEMM; no pkg-config file, `link "dnnl"`.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // Layers
        .target(name: "SERTensor",
                dependencies: ["CBLAS", "CLAPACKE", "CDNNL", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "SERAudio", dependencies: ["SERTensor", "CSndFile", "CSampleRate"]),
        .target(name: "SERFeatures", dependencies: ["SERTensor", "SERAudio", "CKissFFT", "CLAPACKE"]),
        .target(name: "SERModels", dependencies: ["SERTensor", "SERFeatures"]),
        .target(name: "SERTraining", dependencies: ["SERTensor", "SERAudio", "SERFeatures", "SERModels", "CLibSVM", "CBLAS", "CLAPACKE"]),
        // On top of the layers, not one of them: SERTraining's DataParallelContext implemented with MPI.
        .target(name: "SERDistributed", dependencies: ["SERTraining", "CMPI"]),
        // Beside the layers, on top of SERModels: ONNX export of trained models (Docs/Export.md).
        .target(name: "SERExport",
                dependencies: ["SERTensor", "SERFeatures", "SERModels",
                               .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .executableTarget(name: "ser-cli",
                          dependencies: ["SERTensor", "SERAudio", "SERFeatures", "SERModels", "SERTraining", "SERDistributed", "SERExport",
                                         "CBLAS",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Test support (not a product): fixture lookup and tensor comparison shared by the test bundles.
        .target(name: "SERTestSupport", dependencies: ["SERTensor"], path: "Sources/SERTestSupport"),

        // Test bundles
        .testTarget(name: "SERTensorTests", dependencies: ["SERTensor", "SERTestSupport"]),
        .testTarget(name: "SERAudioTests", dependencies: ["SERAudio", "SERTestSupport"]),
        .testTarget(name: "SERFeaturesTests", dependencies: ["SERFeatures", "SERTestSupport"]),
        .testTarget(name: "SERModelsTests", dependencies: ["SERModels", "SERTestSupport"]),
        .testTarget(name: "SERTrainingTests", dependencies: ["SERTraining", "SERTestSupport"]),
        // Launches `mpirun … ser-cli … --distributed` and separate `ser-cli cv --fold` processes.
        .testTarget(name: "SERDistributedTests", dependencies: ["SERTraining", "SERTestSupport"]),
        .testTarget(name: "SERExportTests", dependencies: ["SERExport", "SERModels", "SERTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
