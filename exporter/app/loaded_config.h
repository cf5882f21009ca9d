// LoadedConfig: a config file loaded and compiled into a pipeline, with the registry it counts
// into — what --check-config, --one-shot and --backfill share. Not thread-safe to build; the
// pipeline and store inside keep their own guarantees once built.
#ifndef BAM_EXPORTER_APP_LOADED_CONFIG_H_
#define BAM_EXPORTER_APP_LOADED_CONFIG_H_

#include <prometheus/registry.h>

#include <cstdio>
#include <memory>

#include "exporter/app/flags.h"
#include "exporter/config/config.h"
#include "exporter/mapping/pipeline.h"
#include "exporter/store/metric_store.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter {

// Members in construction order; the pipeline references the config and the store.
struct LoadedConfig {
  Config config;
  prometheus::Registry registry;       // the business metrics (and, by default, bam_exporter_*)
  prometheus::Registry self_registry;  // bam_exporter_* when loaded with separate_self
  std::unique_ptr<SelfMetrics> self;
  std::unique_ptr<MetricStore> store;
  std::unique_ptr<Pipeline> pipeline;
};

// Loads and compiles flags.config_file. Prints every diagnostic to `err` and returns nullptr when
// there is any. With `separate_self`, the exporter's own metrics go to self_registry, so
// `registry` holds the business metrics only.
std::unique_ptr<LoadedConfig> LoadAndCompile(const Flags& flags, bool separate_self,
                                             std::FILE* err);

// Reads a file source (every file its globs match, in order) or a stdin source to EOF into `proc`;
// read errors and unmatched globs are counted in `self` and logged. Other kinds read nothing.
void ReadSourceToEof(const SourceConfig& source, SourceProcessor* proc, SelfMetrics* self);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_LOADED_CONFIG_H_
