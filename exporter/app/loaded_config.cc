#include "exporter/app/loaded_config.h"

#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "exporter/app/log.h"
#include "exporter/sources/oneshot_reader.h"

#ifndef BAM_VERSION
#define BAM_VERSION "dev"
#endif

namespace bam::exporter {

std::unique_ptr<LoadedConfig> LoadAndCompile(const Flags& flags, bool separate_self,
                                             std::FILE* err) {
  DiagnosticList diags;
  auto loaded = std::make_unique<LoadedConfig>();
  // Even when the loader finds errors, compile what it could read: one run reports everything.
  LoadConfig(flags.config_file, &diags, &loaded->config);
  std::vector<std::string> warnings;
  loaded->self = std::make_unique<SelfMetrics>(
      separate_self ? loaded->self_registry : loaded->registry, BAM_VERSION);
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

void ReadSourceToEof(const SourceConfig& sc, SourceProcessor* proc, SelfMetrics* self) {
  switch (sc.kind) {
    case SourceKind::kFile: {
      std::vector<std::string> unmatched;
      for (const auto& path : ExpandGlobs(sc.file.paths, &unmatched)) {
        if (int rc = ReadFileLines(path, sc.max_line_bytes, proc); rc != 0) {
          self->SourceError(sc.name, "read").Increment();
          Log(LogLevel::kError, "source " + sc.name + ": " + path + ": " + std::strerror(rc));
        }
      }
      for (const auto& pattern : unmatched) {
        self->SourceError(sc.name, "no_match").Increment();
        Log(LogLevel::kWarn, "source " + sc.name + ": no file matches " + pattern);
      }
      break;
    }
    case SourceKind::kStdin:
      if (int rc = ReadAllLines(STDIN_FILENO, sc.max_line_bytes, proc); rc != 0) {
        self->SourceError(sc.name, "read").Increment();
        Log(LogLevel::kError, "source " + sc.name + ": stdin: " + std::strerror(rc));
      }
      break;
    case SourceKind::kHttp:
    case SourceKind::kKafka:
      break;
  }
}

}  // namespace bam::exporter
