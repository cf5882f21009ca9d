// bam-exporter: log lines in, business metrics out. This file only wires the modes.
#include <cstdio>
#include <string>

#include "exporter/app/backfill.h"
#include "exporter/app/daemon.h"
#include "exporter/app/flags.h"
#include "exporter/app/log.h"
#include "exporter/app/runner.h"

int main(int argc, char** argv) {
  using namespace bam::exporter;
  Flags flags;
  std::string error;
  if (!ParseFlags(argc, argv, &flags, &error)) {
    std::fprintf(stderr, "bam-exporter: %s\n\tTry bam-exporter --help\n", error.c_str());
    return 2;
  }
  if (flags.help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  if (flags.version) {
    std::printf("bam-exporter %s\n", BAM_VERSION);
    return 0;
  }
  ConfigureLog(flags.log_level, flags.log_format);
  if (flags.check_config) return RunCheckConfig(flags, stderr);
  if (flags.one_shot) return RunOneShot(flags, stdout, stderr);
  if (flags.backfill) return RunBackfill(flags, stderr);
  return RunDaemon(flags);
}
