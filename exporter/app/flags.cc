#include "exporter/app/flags.h"

#include <string_view>

#include "exporter/config/config.h"  // ParseDuration

namespace bam::exporter {

namespace {

struct StringFlag {
  const char* name;
  std::string Flags::*field;
};

constexpr StringFlag kStringFlags[] = {
    {"config.file", &Flags::config_file},
    {"web.listen-address", &Flags::listen_address},
    {"web.telemetry-path", &Flags::telemetry_path},
    {"storage.positions-file", &Flags::positions_file},
    {"log.level", &Flags::log_level},
    {"log.format", &Flags::log_format},
    {"output", &Flags::output},
    {"backfill.step", &Flags::backfill_step},
    {"web.shutdown-grace", &Flags::shutdown_grace},
};

struct BoolFlag {
  const char* name;
  bool Flags::*field;
};

constexpr BoolFlag kBoolFlags[] = {
    {"check-config", &Flags::check_config},
    {"one-shot", &Flags::one_shot},
    {"backfill", &Flags::backfill},
    {"version", &Flags::version},
    {"help", &Flags::help},
    {"h", &Flags::help},
};

}  // namespace

bool ParseFlags(int argc, char** argv, Flags* flags, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      arg.remove_prefix(2);
    } else if (arg.rfind("-", 0) == 0) {
      arg.remove_prefix(1);
    } else {
      *error = "unexpected argument \"" + std::string(arg) + "\"";
      return false;
    }
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    bool known = false;
    for (const auto& f : kBoolFlags) {
      if (name != f.name) continue;
      known = true;
      if (!has_value || value == "true") {
        flags->*f.field = true;
      } else if (value == "false") {
        flags->*f.field = false;
      } else {
        *error = "flag --" + std::string(name) + " takes true or false";
        return false;
      }
    }
    for (const auto& f : kStringFlags) {
      if (name != f.name) continue;
      known = true;
      if (!has_value) {
        if (i + 1 >= argc) {
          *error = "flag --" + std::string(name) + " needs a value";
          return false;
        }
        value = argv[++i];
      }
      flags->*f.field = std::string(value);
    }
    if (!known) {
      *error = "unknown flag --" + std::string(name);
      return false;
    }
  }
  if (flags->log_level != "debug" && flags->log_level != "info" && flags->log_level != "warn" &&
      flags->log_level != "error") {
    *error = "--log.level must be debug, info, warn or error";
    return false;
  }
  if (flags->log_format != "logfmt" && flags->log_format != "json") {
    *error = "--log.format must be logfmt or json";
    return false;
  }
  if (int64_t ms = 0; !ParseDuration(flags->shutdown_grace, &ms)) {
    *error = "--web.shutdown-grace must be a duration such as 0s, 5s or 1m";
    return false;
  }
  if (int64_t ms = 0; !ParseDuration(flags->backfill_step, &ms) || ms < 1000) {
    *error = "--backfill.step must be a duration of at least 1s, such as 1m or 5m";
    return false;
  }
  if (flags->version || flags->help) return true;
  if (flags->config_file.empty()) {
    *error = "--config.file is required";
    return false;
  }
  if (flags->backfill && flags->output.empty()) {
    *error = "--backfill needs --output=FILE.om";
    return false;
  }
  if (int modes = flags->check_config + flags->one_shot + flags->backfill; modes > 1) {
    *error = "--check-config, --one-shot and --backfill exclude each other";
    return false;
  }
  return true;
}

std::string Usage() {
  return R"(usage: bam-exporter --config.file=FILE [flags]

Turns log lines into business metrics for Prometheus.

Modes:
  (default)                 run as a daemon serving /metrics
  --check-config            validate the config, print every error, exit 0 (valid) or 1 (invalid)
  --one-shot                read every file and stdin source from its start to EOF,
                            print the text exposition on stdout, exit 0
  --backfill --output=F.om  read the file and stdin sources like --one-shot and write every
                            metric's history, sampled at each --backfill.step of event time,
                            as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`
                            (every source read needs a `timestamp`; see docs/backfill.md)

Flags:
  --config.file=FILE              configuration file (required)
  --web.listen-address=ADDR       where to serve metrics (default 127.0.0.1:9780)
  --web.telemetry-path=PATH       metrics path (default /metrics)
  --storage.positions-file=FILE   where file positions are kept across restarts
  --backfill.step=DURATION        --backfill: event time between two snapshots of every
                                  series (default 1m; at least 1s; pick one that divides 24h)
  --web.shutdown-grace=DURATION   after SIGTERM, stop reading but serve the final /metrics
                                  this long (or until a second SIGTERM), so a last scrape
                                  sees every counted line (default 0s)
  --log.level=LEVEL               debug, info, warn, error (default info)
  --log.format=FORMAT             logfmt or json (default logfmt)
  --version                       print the version and exit
  --help                          print this help and exit

Exit status: 0 success, 1 invalid configuration, 2 bad flags or unsupported mode.
Reference: docs/configuration.md
)";
}

}  // namespace bam::exporter
