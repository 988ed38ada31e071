import Foundation

/// Saving and loading a module's state dict as a safetensors file (``Safetensors``).
///
/// The file holds every parameter and buffer under its dotted state-dict name (``Module/stateDict()``),
/// so files written by PyTorch's `safetensors.torch.save_file(model.state_dict(), path)` load directly
/// when the names match and every tensor is a float type (F32/F64/F16/BF16). Note that PyTorch stores
/// batch-norm `num_batches_tracked` as int64, which the safetensors reader rejects: convert it to float
/// (or drop it and load non-strictly) before saving from PyTorch.
extension Module {
    /// Writes the state dict (and string `metadata`, e.g. the model configuration) to `url` atomically.
    /// Float32 tensors are stored as `F32`, float64 tensors as `F64`.
    ///
    /// - Throws: ``TensorIOError`` when the file cannot be written.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDict(), metadata: metadata.isEmpty ? nil : metadata, to: url, keepFloat64: true)
    }

    /// Loads the state dict stored in `url` into this module (see ``loadStateDict(_:strict:)``): every
    /// key is checked before anything is written, so on error the module is unchanged.
    ///
    /// - Returns: the file's `__metadata__` strings (empty when it has none).
    /// - Throws: ``TensorIOError`` for an unreadable or malformed file; ``StateDictError`` (with `file`
    ///   set) listing the missing, unexpected (when `strict`) and mis-shaped keys.
    @discardableResult
    public func load(from url: URL, strict: Bool = true) throws -> [String: String] {
        let (tensors, metadata) = try Safetensors.readWithMetadata(from: url)
        do {
            try loadStateDict(tensors, strict: strict)
        } catch var error as StateDictError {
            error.file = url.path
            throw error
        }
        return metadata
    }
}
