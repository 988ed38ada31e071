// Shim over the Debian package header (libsvm-dev ships no pkg-config file); see Docs/Dependencies.md.
#include <libsvm/svm.h>
