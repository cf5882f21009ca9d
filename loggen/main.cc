// bam-loggen: wires flags -> outputs -> generator -> truth file. See docs/loggen.md.
#include <chrono>
#include <csignal>
#include <cstdio>

#include "loggen/flags.h"
#include "loggen/generator.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

int Fail(const std::string& message) {
  std::fprintf(stderr, "bam-loggen: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bam::loggen;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::string error;
  std::optional<RunConfig> cfg = ParseFlags(argc, argv, now_ms, &error);
  if (!cfg) {
    std::fprintf(stderr, "bam-loggen: %s\n%s", error.c_str(), "Run bam-loggen --help for usage.\n");
    return 2;
  }
  if (cfg->help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  if (cfg->version) {
    std::puts("bam-loggen " BAM_VERSION);
    return 0;
  }

  std::vector<std::unique_ptr<Output>> outputs;
  if (cfg->out == "-") {
    outputs.push_back(OpenStdoutOutput());
  } else if (!cfg->out.empty()) {
    auto file = OpenFileOutput({cfg->out, cfg->rotation, cfg->rotate_bytes}, &error);
    if (!file) return Fail(error);
    outputs.push_back(std::move(file));
  }
  if (!cfg->http_url.empty()) {
    HttpOutputOptions http;
    http.url = cfg->http_url;
    http.max_batch_bytes = cfg->http_batch_bytes;
    auto out = OpenHttpOutput(http, &error);
    if (!out) return Fail(error);
    outputs.push_back(std::move(out));
  }
  std::unique_ptr<Output> output = TeeOutputs(std::move(outputs));

  const auto wall0 = std::chrono::steady_clock::now();
  Generator generator(cfg->generator, output.get());
  Status status;
  RealtimeStats stats;
  if (cfg->realtime) {
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    status = generator.RunRealtime(&g_stop, &stats);
  } else {
    status = generator.RunBackfill();
  }
  if (!status.ok()) return Fail(status.message());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

  RunInfo run;
  run.seed = cfg->generator.seed;
  run.mode = cfg->realtime ? "realtime" : "backfill";
  run.format = cfg->generator.format == LineFormat::kJson ? "json" : "logfmt";
  run.start_ms = cfg->generator.start_ms;
  run.end_ms = generator.end_ms();
  run.scale = cfg->generator.scale;
  run.rate = cfg->realtime ? cfg->generator.rate : 0;
  if (!cfg->truth.empty()) {
    if (Status s = generator.truth().WriteFile(cfg->truth, run); !s.ok()) return Fail(s.message());
  }
  if (!cfg->quiet) {
    const uint64_t lines = generator.truth().lines();
    if (cfg->realtime) {
      std::fprintf(
          stderr,
          "bam-loggen: %llu lines in %.3f s: %.1f lines/s (target %.0f), worst batch lag %.1f ms\n",
          static_cast<unsigned long long>(stats.lines), stats.seconds,
          stats.seconds > 0 ? static_cast<double>(stats.lines) / stats.seconds : 0.0,
          cfg->generator.rate, stats.max_lag_ms);
    } else {
      std::fprintf(stderr, "bam-loggen: %llu lines in %.3f s (%.0f lines/s)\n",
                   static_cast<unsigned long long>(lines), seconds,
                   seconds > 0 ? static_cast<double>(lines) / seconds : 0.0);
    }
  }
  return 0;
}
