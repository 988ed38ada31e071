// Shim over Debian's libkissfft-dev (BSD-3-Clause); see Docs/Dependencies.md.
#include <kissfft/kiss_fft.h>
#include <kissfft/kiss_fftr.h>
