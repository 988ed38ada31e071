// Declarations only (include/FuzzDriver.h); libFuzzer provides the definition.
#include "FuzzDriver.h"
