// Shim over the Debian package header; see Docs/Dependencies.md.
#include <lapacke.h>
