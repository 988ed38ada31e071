import CMPI
import Foundation
import SERTraining

/// ``DataParallelContext`` over Open MPI's `MPI_COMM_WORLD`: `MPI_Allreduce` (sum, in place) for
/// gradients, losses and counts, `MPI_Bcast` from rank 0, `MPI_Barrier`.
///
/// Start the program with `mpirun -np N …`; started on its own it is rank 0 of 1. MPI is initialised with
/// `MPI_THREAD_FUNNELED`: only the thread that created the context may call it (worker threads compute).
/// MPI's default error handler stays in force, so a failed collective, or a rank that dies, ends the whole
/// job (mpirun names the rank); ``abort(_:code:)`` ends it on purpose with a message.
public final class MPIContext: DataParallelContext {
    public let rank: Int
    public let size: Int

    /// Initialises MPI (once per process).
    /// - Throws: ``DataParallelError/unavailable(_:)`` when MPI cannot be initialised.
    public init() throws {
        guard swiftser_mpi_finalized() == 0 else { throw DataParallelError.unavailable("MPI was already finalised in this process") }
        var provided: Int32 = 0
        let code = swiftser_mpi_init(&provided)
        guard code == 0 else { throw DataParallelError.unavailable("MPI_Init_thread failed: \(Self.text(code))") }
        var r: Int32 = 0, s: Int32 = 0
        guard swiftser_mpi_rank(&r) == 0, swiftser_mpi_size(&s) == 0 else {
            throw DataParallelError.unavailable("MPI_Comm_rank / MPI_Comm_size failed")
        }
        rank = Int(r)
        size = Int(s)
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try chunks(buffer.count) { start, count in try check(swiftser_mpi_allreduce_sum_float(base + start, count), "MPI_Allreduce") }
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try chunks(buffer.count) { start, count in try check(swiftser_mpi_allreduce_sum_double(base + start, count), "MPI_Allreduce") }
    }

    public func broadcastFromRoot(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try chunks(buffer.count) { start, count in try check(swiftser_mpi_broadcast_bytes(base + start, count, 0), "MPI_Bcast") }
    }

    public func barrier() throws {
        try check(swiftser_mpi_barrier(), "MPI_Barrier")
    }

    /// `MPI_Finalize`: call once, after the last collective, on every rank.
    public func finalize() {
        if swiftser_mpi_finalized() == 0 { _ = swiftser_mpi_finalize() }
    }

    /// Prints `message` to standard error, prefixed with this rank, and ends every rank of the job with
    /// `code` (`MPI_Abort`). Files already written stay as they are (checkpoints are replaced atomically).
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("ser-cli: rank \(rank) of \(size): \(message)\n".utf8))
        _ = swiftser_mpi_abort(code)
        exit(code)
    }

    /// MPI counts are `int`: longer buffers go in pieces.
    private func chunks(_ total: Int, _ body: (Int, Int32) throws -> Void) throws {
        let limit = Int(Int32.max / 8)
        var start = 0
        while start < total {
            let n = Swift.min(limit, total - start)
            try body(start, Int32(n))
            start += n
        }
    }

    private func check(_ code: Int32, _ operation: String) throws {
        guard code != 0 else { return }
        throw DataParallelError.collectiveFailed(operation: operation, rank: rank, message: Self.text(code))
    }

    private static func text(_ code: Int32) -> String {
        let capacity = Int(swiftser_mpi_max_error_string()) + 1
        var bytes = [CChar](repeating: 0, count: capacity)
        swiftser_mpi_error_string(code, &bytes, Int32(capacity))
        let s = String(cString: bytes)
        return s.isEmpty ? "MPI error \(code)" : s
    }
}
