// swift-tools-version:6.0
//
// A package outside SwiftSER that depends on it by path and imports only the SERTensor product:
// proof that the tensor layer is usable on its own. Run with `swift run --package-path Examples/TensorOnly`.
import PackageDescription

let package = Package(
    name: "TensorOnly",
    dependencies: [
        .package(name: "SwiftSER", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "TensorOnly",
                          dependencies: [.product(name: "SERTensor", package: "SwiftSER")]),
    ],
    swiftLanguageModes: [.v5]
)
