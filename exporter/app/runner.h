// The exporter's modes, wired from the stages: --check-config and --one-shot.
// Each returns the process exit status. Not thread-safe (one call per process).
#ifndef BAM_EXPORTER_APP_RUNNER_H_
#define BAM_EXPORTER_APP_RUNNER_H_

#include <cstdio>

#include "exporter/app/flags.h"

namespace bam::exporter {

// Loads and compiles the config; prints every diagnostic to `err`. 0 valid, 1 invalid.
int RunCheckConfig(const Flags& flags, std::FILE* err);

// Reads every file and stdin source to EOF and prints the exposition to `out`.
// 0 on success, 1 on an invalid config.
int RunOneShot(const Flags& flags, std::FILE* out, std::FILE* err);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_RUNNER_H_
