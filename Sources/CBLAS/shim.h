// Shim over the Debian package header; see Docs/Dependencies.md.
#include <cblas.h>

// Whether the Swift module importing this header is compiled for AVX-512 (`-target-cpu native` on a CPU
// with it): SERTensor's LaneGEMM runs float32 products only then (see LaneGEMM.compiledForAVX512 and FloatGEMMKernel).
#if defined(__AVX512F__)
#define SWIFTSER_COMPILED_FOR_AVX512F 1
#else
#define SWIFTSER_COMPILED_FOR_AVX512F 0
#endif
