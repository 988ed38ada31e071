// Shim over the Debian package header; see Docs/Dependencies.md.
#include <samplerate.h>
