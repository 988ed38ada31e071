// Shim over the Debian package header (libdnnl-dev); see Docs/Dependencies.md.
#include <oneapi/dnnl/dnnl.h>

// Debian's oneDNN runs its parallel regions on OpenMP (libgomp). SwiftSER calls `dnnl_sgemm` from its own
// workers, one panel of the product each, so every calling thread asks OpenMP for one thread: no OpenMP team
// is started and no OpenMP thread spins on the cores SwiftSER's workers use.
extern int omp_get_max_threads(void);
extern void omp_set_num_threads(int);

static inline void swiftser_openmp_use_one_thread(void) {
    if (omp_get_max_threads() != 1) omp_set_num_threads(1);
}
