import ArgumentParser
import Foundation
import SERDistributed
import SERTraining

/// `--distributed` and `--micro-batches`, shared by `train`, `cv` and `wav2vec pretrain`: how each step's
/// global batch is divided (``DataParallelism``).
struct DistributedOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Data-parallel training over MPI: start with `mpirun -np N ser-cli … --distributed`. Every rank draws the same global "
        + "batch and computes its share; gradients are summed with MPI_Allreduce; rank 0 alone prints and writes files "
        + "(the output folder must be on a file system all ranks see). See Docs/Scaling.md."))
    var distributed = false

    @Option(name: .long, help: ArgumentHelp(
        "Split each rank's share of a batch into k micro-batches computed one after another (gradient accumulation: less memory, "
        + "the same result as k times as many ranks).", valueName: "k"))
    var microBatches = 1

    func validate() throws {
        if microBatches < 1 { throw ValidationError("--micro-batches must be >= 1") }
    }

    /// Runs `body` with the requested parallelism. With `--distributed`: initialises MPI; ranks above 0
    /// print nothing (their standard output and error are discarded); an error on any rank is printed
    /// with the rank and ends every rank (`MPI_Abort`), leaving the last complete checkpoint in place;
    /// MPI is finalised after a successful run.
    func run(_ body: (DataParallelism) throws -> Void) throws {
        guard distributed else {
            try body(DataParallelism(microBatches: microBatches))
            return
        }
        let mpi = try MPIContext()
        let errors = mpi.isWriter ? nil : Self.silenceOutput()
        do {
            try body(DataParallelism(context: mpi, microBatches: microBatches))
        } catch {
            guard mpi.size > 1 else { mpi.finalize(); throw error }
            if let errors { dup2(errors, 2) }
            mpi.abort("\(error)\nstopping all \(mpi.size) ranks; the last checkpoint written stays complete (continue with --resume)")
        }
        mpi.finalize()
    }

    /// Sends standard output and error to /dev/null; returns a descriptor of the original standard error.
    private static func silenceOutput() -> Int32? {
        fflush(stdout)
        fflush(stderr)
        let saved = dup(2)
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return saved >= 0 ? saved : nil }
        dup2(null, 1)
        dup2(null, 2)
        close(null)
        return saved >= 0 ? saved : nil
    }
}
