// Declarations only (see include/CFuzzDriver.h); the driver itself comes from libFuzzer.
#include "CFuzzDriver.h"
