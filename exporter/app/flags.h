// Command-line flags of bam-exporter, Prometheus style (`--name=value` or `--name value`).
#ifndef BAM_EXPORTER_APP_FLAGS_H_
#define BAM_EXPORTER_APP_FLAGS_H_

#include <string>

namespace bam::exporter {

struct Flags {
  std::string config_file;
  std::string listen_address = "127.0.0.1:9780";
  std::string telemetry_path = "/metrics";
  std::string positions_file;
  std::string log_level = "info";     // debug | info | warn | error
  std::string log_format = "logfmt";  // logfmt | json
  std::string output;                 // --backfill only
  std::string backfill_step = "1m";   // --backfill only: event time between snapshots, >= 1s
  std::string shutdown_grace = "0s";  // keep serving the final /metrics this long after SIGTERM
  bool check_config = false;
  bool one_shot = false;
  bool backfill = false;
  bool version = false;
  bool help = false;
};

// Parses argv. Returns false and sets *error on an unknown flag, a missing value or a bad value.
bool ParseFlags(int argc, char** argv, Flags* flags, std::string* error);

// The --help text.
std::string Usage();

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_FLAGS_H_
