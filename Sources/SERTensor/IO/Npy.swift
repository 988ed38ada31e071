import Foundation

/// Reading and writing NumPy `.npy` files (one array per file).
///
/// **Reading** accepts format versions 1.0, 2.0 and 3.0 holding little-endian `<f4` or `<f8` arrays
/// in C (row-major) order, of any rank including 0-d and empty arrays, and returns a `float32`
/// (default) or `float64` tensor; `<f8` to float32 rounds to nearest even. Fortran order, big-endian,
/// object and all other dtypes are rejected with a ``TensorIOError`` (a Fortran-ordered array with at
/// most one dimension longer than 1 has the same bytes as C order and is accepted).
///
/// **Writing** produces exactly the bytes `numpy.save` writes for the same array: format 1.0 (2.0
/// only if the header would not fit), `<f4` for float32 and `<f8` for float64 tensors, C order. File
/// writes are atomic.
public enum Npy {
    /// The array in the .npy file at `url` as a tensor of `dtype`.
    public static func read(from url: URL, as dtype: DType = .float32) throws -> Tensor {
        try decode(FileAccess.read(url), as: dtype, source: url.path)
    }

    /// Writes `tensor` to `url` atomically (`<f4` for float32, `<f8` for float64).
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try FileAccess.writeAtomically(encode(tensor), to: url)
    }

    /// Decodes .npy bytes. `source` names the data in errors.
    public static func decode(_ data: Data, as dtype: DType = .float32, source: String = "<data>") throws -> Tensor {
        try data.withUnsafeBytes { raw in
            let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
            guard raw.count >= 6, raw.prefix(6).elementsEqual(magic) else {
                // Too short to tell counts as "not an npy file" unless what is there matches the magic.
                if raw.count < 6 && raw.elementsEqual(magic.prefix(raw.count)) {
                    throw TensorIOError.fileTooShort(file: source, size: raw.count, minimum: 10)
                }
                throw TensorIOError.badMagic(file: source)
            }
            guard raw.count >= 8 else { throw TensorIOError.fileTooShort(file: source, size: raw.count, minimum: 10) }
            let major = raw[6], minor = raw[7]
            let lengthBytes: Int
            switch (major, minor) {
            case (1, 0): lengthBytes = 2
            case (2, 0), (3, 0): lengthBytes = 4
            default: throw TensorIOError.unsupportedVersion(file: source, major: major, minor: minor)
            }
            let prefix = 8 + lengthBytes
            guard raw.count >= prefix else {
                throw TensorIOError.fileTooShort(file: source, size: raw.count, minimum: prefix)
            }
            var headerLength = 0
            for k in 0..<lengthBytes { headerLength |= Int(raw[8 + k]) << (8 * k) }
            guard headerLength <= raw.count - prefix else {
                throw TensorIOError.truncated(file: source, expectedBytes: prefix + headerLength, actualBytes: raw.count)
            }
            let headerBytes = UnsafeRawBufferPointer(rebasing: raw[prefix..<(prefix + headerLength)])
            let text: [Unicode.Scalar]
            if major == 3 {
                guard JSONValue.isValidUTF8(headerBytes) else {
                    throw TensorIOError.invalidHeader(file: source, reason: "version 3.0 header is not valid UTF-8")
                }
                text = Array(String(decoding: headerBytes, as: UTF8.self).unicodeScalars)
            } else {
                text = headerBytes.map { Unicode.Scalar($0) }  // Latin-1
            }
            let header = try NpyHeader.parse(text, file: source)

            let stored: StoredScalar
            switch header.descr {
            case "<f4": stored = .f32
            case "<f8": stored = .f64
            case ">f4", ">f8": throw TensorIOError.bigEndian(file: source, descr: header.descr)
            default: throw TensorIOError.unsupportedDType(file: source, tensor: nil, dtype: header.descr)
            }
            if header.fortranOrder && header.shape.filter({ $0 > 1 }).count > 1 {
                throw TensorIOError.fortranOrder(file: source, shape: header.shape)
            }
            var count = 1
            for d in header.shape {
                let (c, o) = count.multipliedReportingOverflow(by: d)
                if o { throw TensorIOError.invalidHeader(file: source, reason: "shape \(header.shape) is too large") }
                count = c
            }
            let (byteCount, o) = count.multipliedReportingOverflow(by: stored.byteSize)
            if o { throw TensorIOError.invalidHeader(file: source, reason: "shape \(header.shape) is too large") }
            let dataStart = prefix + headerLength
            let available = raw.count - dataStart
            if available < byteCount {
                throw TensorIOError.truncated(file: source, expectedBytes: dataStart + byteCount, actualBytes: raw.count)
            }
            if available > byteCount {
                throw TensorIOError.trailingBytes(file: source, used: byteCount, available: available)
            }
            return stored.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart...]), shape: header.shape, as: dtype)
        }
    }

    /// The .npy bytes of `tensor` (format 1.0, `<f4` or `<f8`, C order).
    public static func encode(_ tensor: Tensor) -> Data {
        let stored: StoredScalar = tensor.dtype == .float64 ? .f64 : .f32
        let header = NpyHeader(descr: stored == .f64 ? "<f8" : "<f4", fortranOrder: false, shape: tensor.shape)
        var bytes = header.serialized()
        bytes.reserveCapacity(bytes.count + tensor.count * stored.byteSize)
        StoredScalar.append(tensor, as: stored, to: &bytes)
        return Data(bytes)
    }
}
