// Open MPI (Debian's libopenmpi-dev, found with pkg-config ompi-c) for SERDistributed.
//
// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE...) are macros over addresses of global
// symbols, which Swift does not import; these small inline functions expose what SERDistributed uses. Every call is
// on MPI_COMM_WORLD and returns MPI's error code (MPI_SUCCESS = 0), except where stated.
#ifndef SWIFTSER_CMPI_SHIM_H
#define SWIFTSER_CMPI_SHIM_H

#include <mpi.h>

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI; worker threads compute) unless MPI is
/// already initialised. `provided` receives the thread level granted.
static inline int swiftser_mpi_init(int *provided) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) { *provided = MPI_THREAD_FUNNELED; return MPI_SUCCESS; }
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, provided);
}

/// 1 when MPI_Finalize has run.
static inline int swiftser_mpi_finalized(void) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    return finalized;
}

static inline int swiftser_mpi_finalize(void) { return MPI_Finalize(); }

static inline int swiftser_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }

static inline int swiftser_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

/// In-place element-wise sum over all ranks of `count` floats.
static inline int swiftser_mpi_allreduce_sum_float(float *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

/// In-place element-wise sum over all ranks of `count` doubles.
static inline int swiftser_mpi_allreduce_sum_double(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

/// Replaces `count` bytes of `buffer` on every rank by rank `root`'s.
static inline int swiftser_mpi_broadcast_bytes(void *buffer, int count, int root) {
    return MPI_Bcast(buffer, count, MPI_BYTE, root, MPI_COMM_WORLD);
}

static inline int swiftser_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// Terminates every rank of the job with `code` (does not return under Open MPI).
static inline int swiftser_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }

/// MPI's text for an error code, written into `text` (at least MPI_MAX_ERROR_STRING bytes).
static inline void swiftser_mpi_error_string(int code, char *text, int capacity) {
    int length = 0;
    if (capacity < MPI_MAX_ERROR_STRING) { if (capacity > 0) text[0] = 0; return; }
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    text[length] = 0;
}

static inline int swiftser_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
