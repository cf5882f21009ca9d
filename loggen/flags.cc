#include "loggen/flags.h"

#include <charconv>
#include <cmath>
#include <map>
#include <vector>

#include "common/diagnostic.h"
#include "loggen/civil_time.h"
#include "loggen/scenario.h"

namespace bam::loggen {
namespace {

const std::vector<std::string> kFlags = {
    "seed", "start",  "duration",  "mode", "out",           "truth", "format", "scenario", "scale",
    "rate", "rotate", "rotate-mb", "http", "http-batch-kb", "quiet", "help",   "version"};
const std::vector<std::string> kBoolFlags = {"quiet", "help", "version"};

std::string WithHint(const std::string& message, const std::string& hint) {
  return hint.empty() ? message : message + "\n\tTry " + hint;
}

bool ParseDouble(const std::string& text, double* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

}  // namespace

std::string Usage() {
  return "usage: bam-loggen --seed=N --start=RFC3339 --duration=30d --mode=backfill --out=FILE "
         "--truth=FILE\n"
         "                  [--format=json|logfmt] [--scenario=NAME@RFC3339/DURATION ...] "
         "[--scale=1.0]\n"
         "       bam-loggen --seed=N --mode=realtime --rate=20000 [--duration=10m] --out=FILE|-\n"
         "                  [--rotate=rename|copytruncate --rotate-mb=N] [--http=URL] "
         "[--scenario=NAME@+5m/10m ...]\n"
         "\n"
         "Writes a realistic e-commerce log and, with --truth, the exact counts of what it wrote.\n"
         "  --seed=N             randomness (default 1); same seed and flags give identical bytes\n"
         "  --start=TIME         first timestamp (RFC 3339); realtime defaults to now\n"
         "  --duration=D         simulated time, e.g. 30d, 10m, 1h30m; realtime runs until SIGINT "
         "without it\n"
         "  --mode=M             backfill (as fast as possible) or realtime (paced by the wall "
         "clock)\n"
         "  --out=FILE|-         output file, or - for stdout\n"
         "  --truth=FILE         ground-truth JSON (counts, revenue, incidents)\n"
         "  --format=F           json (default) or logfmt\n"
         "  --scenario=S         NAME@TIME/DURATION or NAME@+OFFSET/DURATION; repeatable. NAME is "
         "one of\n"
         "                       payment_outage api_slowdown traffic_drop cancellation_surge "
         "fraud_burst\n"
         "                       deployment monday_dip\n"
         "  --scale=X            backfill volume: 11,000 sessions/day times X (~11 lines each; "
         "default 1)\n"
         "  --rate=N             realtime lines per second (default 1000)\n"
         "  --rotate=R           rename or copytruncate, with --rotate-mb=N (decimals allowed)\n"
         "  --http=URL           POST NDJSON batches to URL (with or without --out)\n"
         "  --http-batch-kb=N    largest POST body (default 1024)\n"
         "  --quiet              no summary on stderr\n"
         "Exit status: 0 success, 1 I/O or HTTP error, 2 usage error.\n";
}

std::optional<RunConfig> ParseFlags(int argc, char** argv, int64_t now_ms, std::string* error) {
  std::map<std::string, std::string> values;
  std::vector<std::string> scenarios;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument \"" + arg + "\"";
      return std::nullopt;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (std::find(kFlags.begin(), kFlags.end(), name) == kFlags.end()) {
      std::string close = SuggestClosest(name, kFlags);
      *error = WithHint("unknown flag --" + name, close.empty() ? "" : "--" + close);
      return std::nullopt;
    }
    bool is_bool = std::find(kBoolFlags.begin(), kBoolFlags.end(), name) != kBoolFlags.end();
    if (!has_value && !is_bool) {
      if (i + 1 >= argc) {
        *error = "flag --" + name + " needs a value";
        return std::nullopt;
      }
      value = argv[++i];
    }
    if (is_bool && !has_value) value = "true";
    if (name == "scenario") {
      scenarios.push_back(value);
    } else {
      values[name] = value;
    }
  }

  RunConfig cfg;
  auto get = [&](const std::string& name) -> const std::string* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  };
  cfg.help = get("help") != nullptr;
  cfg.version = get("version") != nullptr;
  cfg.quiet = get("quiet") != nullptr;
  if (cfg.help || cfg.version) return cfg;

  const std::string mode = get("mode") ? *get("mode") : "backfill";
  if (mode != "backfill" && mode != "realtime") {
    *error =
        WithHint("--mode: unknown mode \"" + mode + "\"", "--mode=backfill or --mode=realtime");
    return std::nullopt;
  }
  cfg.realtime = mode == "realtime";
  GeneratorOptions& g = cfg.generator;
  if (const std::string* v = get("seed")) {
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), g.seed);
    if (ec != std::errc() || end != v->data() + v->size()) {
      *error = "--seed: not an unsigned integer: \"" + *v + "\"";
      return std::nullopt;
    }
  }
  if (const std::string* v = get("start")) {
    auto ts = ParseRfc3339(*v);
    if (!ts || *ts < kDayMs) {
      *error =
          WithHint("--start: not an RFC 3339 time: \"" + *v + "\"", "--start=2025-11-01T00:00:00Z");
      return std::nullopt;
    }
    g.start_ms = *ts;
  } else if (cfg.realtime) {
    g.start_ms = now_ms;
  } else {
    *error = WithHint("--start is required in backfill mode", "--start=2025-11-01T00:00:00Z");
    return std::nullopt;
  }
  if (const std::string* v = get("duration")) {
    auto d = ParseDuration(*v);
    if (!d || *d <= 0) {
      *error = WithHint("--duration: not a positive duration: \"" + *v + "\"",
                        "--duration=30d or 10m or 1h30m");
      return std::nullopt;
    }
    g.duration_ms = *d;
  } else if (!cfg.realtime) {
    *error = WithHint("--duration is required in backfill mode", "--duration=30d");
    return std::nullopt;
  }
  const std::string format = get("format") ? *get("format") : "json";
  if (format != "json" && format != "logfmt") {
    *error =
        WithHint("--format: unknown format \"" + format + "\"", "--format=json or --format=logfmt");
    return std::nullopt;
  }
  g.format = format == "json" ? LineFormat::kJson : LineFormat::kLogfmt;
  if (const std::string* v = get("scale")) {
    if (!ParseDouble(*v, &g.scale) || g.scale <= 0 || g.scale > 1000) {
      *error = "--scale: expected a number in (0, 1000], got \"" + *v + "\"";
      return std::nullopt;
    }
  }
  if (const std::string* v = get("rate")) {
    if (!ParseDouble(*v, &g.rate) || g.rate <= 0 || g.rate > 5e6) {
      *error = "--rate: expected lines per second in (0, 5000000], got \"" + *v + "\"";
      return std::nullopt;
    }
  }
  g.initial_customers =
      static_cast<uint64_t>(cfg.realtime ? std::max(40000.0, g.rate * 5) : 40000 * g.scale);
  if (const std::string* v = get("out")) cfg.out = *v;
  if (const std::string* v = get("truth")) cfg.truth = *v;
  if (const std::string* v = get("http")) cfg.http_url = *v;
  if (cfg.out.empty() && cfg.http_url.empty()) {
    *error =
        WithHint("no output: give --out=FILE, --out=- (stdout) or --http=URL", "--out=shop.log");
    return std::nullopt;
  }
  if (const std::string* v = get("http-batch-kb")) {
    double kb;
    if (!ParseDouble(*v, &kb) || kb < 1) {
      *error = "--http-batch-kb: expected a number >= 1, got \"" + *v + "\"";
      return std::nullopt;
    }
    cfg.http_batch_bytes = static_cast<uint64_t>(kb * 1024);
  }
  if (const std::string* v = get("rotate")) {
    if (*v != "rename" && *v != "copytruncate") {
      *error = WithHint("--rotate: unknown rotation \"" + *v + "\"",
                        "--rotate=rename or --rotate=copytruncate");
      return std::nullopt;
    }
    cfg.rotation = *v == "rename" ? Rotation::kRename : Rotation::kCopyTruncate;
    double mb = 0;
    const std::string* size = get("rotate-mb");
    if (size == nullptr || !ParseDouble(*size, &mb) || mb <= 0) {
      *error = WithHint("--rotate needs a positive --rotate-mb", "--rotate-mb=100");
      return std::nullopt;
    }
    if (cfg.out.empty() || cfg.out == "-") {
      *error = "--rotate needs a file output (--out=FILE)";
      return std::nullopt;
    }
    cfg.rotate_bytes = static_cast<uint64_t>(mb * 1024 * 1024);
  } else if (get("rotate-mb") != nullptr) {
    *error = WithHint("--rotate-mb without --rotate", "--rotate=rename --rotate-mb=N");
    return std::nullopt;
  }

  for (const std::string& text : scenarios) {
    std::string message, hint;
    auto spec = ParseScenario(text, &message, &hint);
    if (!spec) {
      *error = WithHint("--scenario=" + text + ": " + message, hint);
      return std::nullopt;
    }
    Incident inc;
    inc.kind = spec->kind;
    inc.start_ms = spec->relative ? g.start_ms + spec->at_ms : spec->at_ms;
    inc.end_ms = inc.start_ms + spec->duration_ms;
    const int64_t log_end = g.duration_ms < 0 ? INT64_MAX : g.start_ms + g.duration_ms;
    if (inc.end_ms <= g.start_ms || inc.start_ms >= log_end) {
      *error = "--scenario=" + text + ": the window " + FormatRfc3339(inc.start_ms) + " .. " +
               FormatRfc3339(inc.end_ms) + " is outside the log";
      return std::nullopt;
    }
    g.incidents.push_back(inc);
  }
  if (g.incidents.size() > 64) {
    *error = "at most 64 --scenario flags";
    return std::nullopt;
  }
  return cfg;
}

}  // namespace bam::loggen
