// libFuzzer's driver entry point (LLVM >= 12), called from each target's `<Target>_main`: SwiftPM links
// executables with `main` aliased to `<module>_main`, so the targets cannot use libFuzzer's own `main`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
