import Foundation

/// 2-D convolution by im2col + GEMM over tiles of output rows that stay in the core's cache.
///
/// The batched path (``Tensor/conv2d(_:weight:bias:stride:padding:dilation:paddingMode:)``) unfolds a chunk of
/// images into one im2col matrix of up to ``ConvGeometry/columnBudgetBytes`` and multiplies it in one wide
/// GEMM. When the output has few channels (STRFNet's 16 to 64), that GEMM does only `outChannels`
/// multiply-adds per column element it reads, so the matrix is written to memory by im2col and read back
/// by the GEMM at memory speed. Here each worker instead unfolds a tile of a few output rows of one image
/// (``ConvGeometry/tileRows(elementSize:)``: about ``ConvPathChoice/columnTileBytes``), multiplies it at once
/// with a single-threaded GEMM while it is still in cache, and writes the product straight into the output:
///
/// - forward: tile `t` of image `i`, `Y[i][:, tile] = W · cols(tile)` `[Cout, rows·outW]`, bias added;
/// - backward (batches of at least one image per worker; smaller ones keep the batched backward): each worker owns
///   whole images (their `dx` rows overlap between tiles) and, per tile, `dW_worker += dY(tile) · cols(tile)ᵀ` and
///   `dx[i] += col2im(Wᵀ · dY(tile))`; the first worker's `dW_worker` is `dW` itself, the others' are added to it in
///   the order of their images, so a result does not depend on thread timing.
///
/// Same arithmetic as the batched path per output element (the forward is the same BLAS reduction over
/// `Cin·KH·KW`); the weight gradient sums the positions in another order (float rounding).
extension Tensor {
    static func conv2dForwardRowTiles<T: TensorScalar>(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ b: Tensor?,
                                                       _ out: Tensor, _: T.Type) {
        let px = x.storage.pointer(T.self), pw = w.storage.pointer(T.self), po = out.storage.pointer(T.self)
        let pb = b?.storage.pointer(T.self)
        let rows = g.colRows, p = g.colCols, ow = g.outW, cout = g.outChannels
        let imageSize = g.inChannels * g.height * g.width, outSize = cout * p
        let tileRows = g.tileRows(elementSize: MemoryLayout<T>.stride)
        let tilesPerImage = (g.outH + tileRows - 1) / tileRows
        GEMMThreading.withWorkerGEMMs {
            Parallel.forRanges(g.batch * tilesPerImage, costPerItem: rows * tileRows * ow * cout) { units in
                StoragePool.withWorkspace(T.self, count: rows * tileRows * ow) { cols in
                    for unit in units {
                        let i = unit / tilesPerImage, y0 = (unit % tilesPerImage) * tileRows
                        let y1 = Swift.min(g.outH, y0 + tileRows), n = (y1 - y0) * ow
                        g.im2col(px + i * imageSize, cols, ld: n, outRows: y0..<y1)
                        let c = po + i * outSize + y0 * ow
                        T.gemm(transA: false, transB: false, m: cout, n: n, k: rows, alpha: 1, a: pw, lda: rows,
                               b: cols, ldb: n, beta: 0, c: c, ldc: p, splitting: false)
                        if let pb {
                            for o in 0..<cout {
                                let row = c + o * p, bo = pb[o]
                                for j in 0..<n { row[j] += bo }
                            }
                        }
                    }
                }
            }
        }
    }

    static func conv2dBackwardRowTiles<T: TensorScalar>(_ g: ConvGeometry, _ x: Tensor, _ w: Tensor, _ dy: Tensor,
                                                        dx: Tensor?, dw: Tensor?, _: T.Type) {
        let px = x.storage.pointer(T.self), pw = w.storage.pointer(T.self), pdy = dy.storage.pointer(T.self)
        let pdx = dx?.storage.pointer(T.self)
        let rows = g.colRows, p = g.colCols, ow = g.outW, cout = g.outChannels
        let imageSize = g.inChannels * g.height * g.width, outSize = cout * p
        let tileRows = g.tileRows(elementSize: MemoryLayout<T>.stride)
        let tileCount = rows * tileRows * ow
        let lock = NSLock()
        var partialWeightGradients: [(first: Int, values: Tensor)] = []
        GEMMThreading.withWorkerGEMMs {
            Parallel.forRanges(g.batch, costPerItem: 2 * rows * p * cout) { images in
                // The worker of the first images accumulates straight into `dw` (zeros); the others into their own.
                let dwLocal: Tensor? = images.lowerBound == 0 ? nil : dw.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
                let pdw = (dwLocal ?? dw)?.storage.pointer(T.self)
                StoragePool.withWorkspace(T.self, count: tileCount) { cols in
                StoragePool.withWorkspace(T.self, count: pdx == nil ? 1 : tileCount) { dcols in
                    for i in images {
                        var y0 = 0
                        while y0 < g.outH {
                            let y1 = Swift.min(g.outH, y0 + tileRows), n = (y1 - y0) * ow
                            let dyTile = pdy + i * outSize + y0 * ow
                            if let pdw {
                                g.im2col(px + i * imageSize, cols, ld: n, outRows: y0..<y1)
                                T.gemm(transA: false, transB: true, m: cout, n: rows, k: n, alpha: 1, a: dyTile, lda: p,
                                       b: cols, ldb: n, beta: 1, c: pdw, ldc: rows, splitting: false)
                            }
                            if let pdx {
                                T.gemm(transA: true, transB: false, m: rows, n: n, k: cout, alpha: 1, a: pw, lda: rows,
                                       b: dyTile, ldb: p, beta: 0, c: dcols, ldc: n, splitting: false)
                                g.col2imAdd(dcols, pdx + i * imageSize, ld: n, outRows: y0..<y1)
                            }
                            y0 = y1
                        }
                    }
                }
                }
                if let dwLocal {
                    lock.lock()
                    partialWeightGradients.append((images.lowerBound, dwLocal))
                    lock.unlock()
                }
            }
        }
        guard let dw else { return }
        let total = dw.storage.pointer(T.self), count = dw.count
        for partial in partialWeightGradients.sorted(by: { $0.first < $1.first }) {
            let values = partial.values.storage.pointer(T.self)
            for j in 0..<count { total[j] += values[j] }
        }
    }
}

extension ConvGeometry {
    /// Whether ``Tensor/conv2d(_:weight:bias:stride:padding:dilation:paddingMode:)`` runs over tiles of output
    /// rows rather than batched im2col matrices: a 2-D output with at most ``ConvPathChoice/maximumTiledOutChannels``
    /// channels whose one-image im2col matrix is larger than a tile (the measured rule in Docs/Performance.md),
    /// unless ``ConvPathChoice/current`` forces a path.
    var usesRowTiles: Bool {
        let choice = ConvPathChoice.current
        switch choice.forced {
        case .batched?: return false
        case .rowTiles?: return outH > 1
        case nil, .direct?:
            return outH > 1 && outChannels <= ConvPathChoice.maximumTiledOutChannels
                && colRows * colCols * 4 > choice.columnTileBytes
        }
    }

    /// Output rows per tile: the tile's im2col matrix `[colRows, rows · outW]` stays under
    /// ``ConvPathChoice/columnTileBytes`` (at least one row).
    func tileRows(elementSize: Int) -> Int {
        let bytesPerRow = Swift.max(colRows * outW * elementSize, 1)
        return Swift.max(1, Swift.min(outH, ConvPathChoice.current.columnTileBytes / bytesPerRow))
    }
}

/// How 2-D convolutions choose between the batched and the row-tile path.
///
/// The process starts with `SWIFTSER_CONV` (`batched`, `tiles` or `direct`, for comparisons; `direct` applies where
/// ``ConvGeometry/usesDirect(for:)`` allows it, the row-tile rule elsewhere) and `SWIFTSER_CONV_TILE_KB`
/// when set. Tests force a path and a tiny tile to run the row-tile code on small fixtures. Set ``current``
/// only while no convolution runs.
struct ConvPathChoice: Sendable {
    enum Path: String, Sendable { case batched, rowTiles = "tiles", direct }

    /// A path for every convolution, or `nil` for the rule of ``ConvGeometry/usesRowTiles``.
    var forced: Path?
    /// Size of one tile's im2col matrix: a share of a core's L2 cache (1 MiB on the machine measured).
    var columnTileBytes: Int

    nonisolated(unsafe) static var current: ConvPathChoice = {
        let forced = TuningVariable.read("SWIFTSER_CONV", expected: "batched, tiles or direct", Path.init(rawValue:))
        let tileKB = TuningVariable.read("SWIFTSER_CONV_TILE_KB", expected: "a positive number of KiB") { text -> Int? in
            Int(text).flatMap { $0 > 0 ? $0 : nil }
        }
        return ConvPathChoice(forced: forced, columnTileBytes: (tileKB ?? 256) << 10)
    }()

    /// Above this many output channels the batched GEMM reads each column element often enough to run at
    /// compute speed, and OpenBLAS threads it well.
    static let maximumTiledOutChannels = 128

    /// The direct path's limits on `inChannels · kernelH · kernelW` (``ConvGeometry/usesDirect(for:)``), the largest
    /// measured wins: the forward up to 288 (32 → 32 3 × 3); the backward up to 1152 (the paper STRFNet's 128 → 32
    /// 3 × 3, 35 % faster than the row tiles, while its forward was not reliably faster).
    static let maximumDirectForwardTaps = 288
    static let maximumDirectBackwardTaps = 1152
}
