// swift-tools-version:6.0
//
// A package outside SwiftSER that depends on it by path and imports only the SERModels product: proof
// that a trained model file classifies audio without the training layer. Run with
// `swift run --package-path Examples/ClassifyFile` (or `make example`).
import PackageDescription

let package = Package(
    name: "ClassifyFile",
    dependencies: [
        .package(name: "SwiftSER", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "ClassifyFile",
                          dependencies: [.product(name: "SERModels", package: "SwiftSER")]),
    ],
    swiftLanguageModes: [.v5]
)
