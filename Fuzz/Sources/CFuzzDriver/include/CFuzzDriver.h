// libFuzzer's driver entry point (compiler-rt, FuzzerDriver.cpp), linked in by `-sanitize=fuzzer`.
//
// SwiftPM links every executable of a package with tools version 5.5 or later with
// `--defsym main=<Target>_main`, so libFuzzer's own `main` is never used: each fuzz target defines
// `<Target>_main` with `@_cdecl` and hands its `LLVMFuzzerTestOneInput` to this driver.
#ifndef C_FUZZ_DRIVER_H
#define C_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
