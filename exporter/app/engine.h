// Engine: the exporter's state across reloads — one registry, self-metrics, metric store, and the
// pipeline compiled from the current configuration.
//
// A reload happens in two steps so that a bad configuration changes nothing and a good one loses no
// counts:
//   1. Check(path): load and compile the new configuration against a scratch store. On any error
//      the running configuration is untouched.
//   2. Apply(checked): with every source stopped, remove from the store the metrics the new
//      configuration drops or changes (type, labels, buckets), then compile the new pipeline into
//      the same store. Unchanged metrics keep their series and values.
// Not thread-safe: the daemon's main thread calls everything; the registry may be collected from
// other threads at any time.
#ifndef BAM_EXPORTER_APP_ENGINE_H_
#define BAM_EXPORTER_APP_ENGINE_H_

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "exporter/config/config.h"
#include "exporter/mapping/pipeline.h"
#include "exporter/store/metric_store.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter {

class Engine {
 public:
  explicit Engine(const std::string& version);

  // Loads and compiles `path` without touching the running state. Returns the config when it is
  // valid; otherwise nullptr, with every problem in *diags. Warnings (not errors) go to *warnings.
  std::unique_ptr<Config> Check(const std::string& path, DiagnosticList* diags,
                                std::vector<std::string>* warnings) const;

  // Makes `config` (from Check) the running configuration. REQUIRES: no source is feeding the
  // current pipeline. The previous pipeline is destroyed.
  void Apply(std::unique_ptr<Config> config);

  // The current configuration and pipeline; null before the first Apply.
  const Config* config() const { return config_.get(); }
  Pipeline* pipeline() { return pipeline_.get(); }

  prometheus::Registry& registry() { return registry_; }
  SelfMetrics& self() { return self_; }
  MetricStore& store() { return store_; }

 private:
  const std::string version_;
  prometheus::Registry registry_;
  SelfMetrics self_;
  MetricStore store_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_ENGINE_H_
