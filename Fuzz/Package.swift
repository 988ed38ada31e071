// swift-tools-version:6.0
//
// libFuzzer targets for SwiftSER's readers of untrusted files (issue 14). A separate package that
// depends on SwiftSER by path, so the fuzzing build (-sanitize=fuzzer,address) never touches the main
// build or `make test`. Each target exports `LLVMFuzzerTestOneInput` and an entry point that runs
// libFuzzer's driver on it.
// Build and run through `make fuzz` (see Fuzz/README.md).
import PackageDescription

let fuzzTargets: [(name: String, products: [String])] = [
    ("FuzzAudioReader", ["SERAudio"]),
    ("FuzzManifestCSV", ["SERTraining"]),
    ("FuzzTrainingConfiguration", ["SERTraining"]),
    ("FuzzSafetensors", ["SERTensor"]),
    ("FuzzNpy", ["SERTensor"]),
    ("FuzzTorchPickle", ["SERModels"]),
    ("FuzzRunFolder", ["SERTraining", "SERModels", "SERTensor"]),
    ("FuzzModelFile", ["SERAudio", "SERFeatures", "SERModels", "SERTensor"]),
]

let package = Package(
    name: "SwiftSERFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "SwiftSER", path: ".."),
    ],
    targets: [
        // The declaration of libFuzzer's driver, which each target's entry point calls.
        .target(name: "FuzzDriver"),
        // What several targets share (the patch on a valid file that the model-file targets fuzz with).
        .target(name: "FuzzSupport"),
    ] + fuzzTargets.map { t in
        .executableTarget(name: t.name, dependencies: ["FuzzDriver", "FuzzSupport"] + t.products.map { .product(name: $0, package: "SwiftSER") })
    },
    swiftLanguageModes: [.v5]
)
