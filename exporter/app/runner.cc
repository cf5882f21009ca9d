#include "exporter/app/runner.h"

#include <memory>

#include "exporter/app/loaded_config.h"
#include "exporter/app/log.h"
#include "exporter/exposition/text.h"

namespace bam::exporter {

int RunCheckConfig(const Flags& flags, std::FILE* err) {
  return LoadAndCompile(flags, /*separate_self=*/false, err) == nullptr ? 1 : 0;
}

int RunOneShot(const Flags& flags, std::FILE* out, std::FILE* err) {
  std::unique_ptr<LoadedConfig> loaded = LoadAndCompile(flags, /*separate_self=*/false, err);
  if (loaded == nullptr) return 1;
  const Config& config = loaded->config;
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& sc = config.sources[i];
    if (sc.kind == SourceKind::kHttp || sc.kind == SourceKind::kKafka) {
      Log(LogLevel::kInfo, "source " + sc.name + " is live-only; --one-shot does not read it");
      continue;
    }
    ReadSourceToEof(sc, &loaded->pipeline->source(i), loaded->self.get());
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
