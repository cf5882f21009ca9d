#include "exporter/app/runner.h"

#include <prometheus/registry.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>

#include "exporter/app/log.h"
#include "exporter/config/config.h"
#include "exporter/exposition/text.h"
#include "exporter/mapping/pipeline.h"
#include "exporter/sources/oneshot_reader.h"
#include "exporter/store/metric_store.h"
#include "exporter/store/self_metrics.h"

#ifndef BAM_VERSION
#define BAM_VERSION "dev"
#endif

namespace bam::exporter {

namespace {

// Everything a loaded config needs at run time, in construction order.
struct Loaded {
  Config config;
  prometheus::Registry registry;
  std::unique_ptr<SelfMetrics> self;
  std::unique_ptr<MetricStore> store;
  std::unique_ptr<Pipeline> pipeline;
};

std::unique_ptr<Loaded> Load(const Flags& flags, std::FILE* err) {
  DiagnosticList diags;
  auto loaded = std::make_unique<Loaded>();
  // Even when the loader finds errors, compile what it could read: one run reports everything.
  LoadConfig(flags.config_file, &diags, &loaded->config);
  std::vector<std::string> warnings;
  loaded->self = std::make_unique<SelfMetrics>(loaded->registry, BAM_VERSION);
  loaded->store = std::make_unique<MetricStore>(loaded->registry, loaded->self.get());
  loaded->pipeline =
      Pipeline::Build(loaded->config, loaded->store.get(), loaded->self.get(), &diags, &warnings);
  if (!diags.empty()) {
    diags.Sort();
    std::string text = diags.Format();
    std::fwrite(text.data(), 1, text.size(), err);
    return nullptr;
  }
  for (const auto& w : warnings) Log(LogLevel::kWarn, w);
  return loaded;
}

}  // namespace

int RunCheckConfig(const Flags& flags, std::FILE* err) {
  return Load(flags, err) == nullptr ? 1 : 0;
}

int RunOneShot(const Flags& flags, std::FILE* out, std::FILE* err) {
  std::unique_ptr<Loaded> loaded = Load(flags, err);
  if (loaded == nullptr) return 1;
  const Config& config = loaded->config;
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& sc = config.sources[i];
    SourceProcessor& proc = loaded->pipeline->source(i);
    switch (sc.kind) {
      case SourceKind::kFile: {
        std::vector<std::string> unmatched;
        for (const auto& path : ExpandGlobs(sc.file.paths, &unmatched)) {
          if (int rc = ReadFileLines(path, sc.max_line_bytes, &proc); rc != 0) {
            loaded->self->SourceError(sc.name, "read").Increment();
            Log(LogLevel::kError, "source " + sc.name + ": " + path + ": " + std::strerror(rc));
          }
        }
        for (const auto& pattern : unmatched) {
          loaded->self->SourceError(sc.name, "no_match").Increment();
          Log(LogLevel::kWarn, "source " + sc.name + ": no file matches " + pattern);
        }
        break;
      }
      case SourceKind::kStdin:
        if (int rc = ReadAllLines(STDIN_FILENO, sc.max_line_bytes, &proc); rc != 0) {
          loaded->self->SourceError(sc.name, "read").Increment();
          Log(LogLevel::kError, "source " + sc.name + ": stdin: " + std::strerror(rc));
        }
        break;
      case SourceKind::kHttp:
      case SourceKind::kKafka:
        Log(LogLevel::kInfo, "source " + sc.name + " is live-only; --one-shot does not read it");
        break;
    }
  }
  // unique windows and duration timeouts end where the logs end (their last event time), or now.
  Pipeline& pipeline = *loaded->pipeline;
  pipeline.Refresh(pipeline.max_event_ms() > 0 ? pipeline.max_event_ms()
                                               : Pipeline::WallClockMillis());
  std::string text = SerializeText(loaded->registry);
  std::fwrite(text.data(), 1, text.size(), out);
  return std::fflush(out) == 0 ? 0 : 1;
}

}  // namespace bam::exporter
