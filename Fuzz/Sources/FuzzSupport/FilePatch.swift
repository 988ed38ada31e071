import Foundation

/// The mutation of a valid file that the model-file targets fuzz with: `base` with `patch` written over it
/// from `offset` (taken modulo `base.count + 1`), after cutting `base` there when `cut` is set. The patch
/// may run past the end, which lengthens the file.
public func patched(_ base: Data, offset rawOffset: Int, cut: Bool, with patch: Data) -> Data {
    var out = base
    let offset = rawOffset % (out.count + 1)
    if cut { out = out.prefix(offset) }
    let end = min(out.count, offset + patch.count)
    if offset < end { out.replaceSubrange(offset..<end, with: patch.prefix(end - offset)) }
    if offset + patch.count > end { out.append(contentsOf: patch.dropFirst(end - offset)) }
    return out
}

/// ``patched(_:offset:cut:with:)`` driven by a fuzz input: bytes 0–1 (little-endian) give the offset,
/// bit 0 of byte 2 whether to cut, the bytes from 3 on are the patch. Inputs shorter than 3 bytes leave
/// `base` unchanged.
public func patched(_ base: Data, by input: Data) -> Data {
    guard input.count >= 3 else { return base }
    let i = input.startIndex
    return patched(base, offset: Int(input[i]) | Int(input[i + 1]) << 8, cut: input[i + 2] & 1 == 1, with: Data(input.dropFirst(3)))
}
