#include "exporter/app/engine.h"

#include <algorithm>
#include <map>

namespace bam::exporter {

Engine::Engine(const std::string& version)
    : version_(version), self_(registry_, version), store_(registry_, &self_) {}

std::unique_ptr<Config> Engine::Check(const std::string& path, DiagnosticList* diags,
                                      std::vector<std::string>* warnings) const {
  auto config = std::make_unique<Config>();
  LoadConfig(path, diags, config.get());
  // Compile into a scratch registry: the running one is not touched by a config that may fail.
  prometheus::Registry scratch_registry;
  SelfMetrics scratch_self(scratch_registry, version_);
  MetricStore scratch_store(scratch_registry, &scratch_self);
  auto scratch = Pipeline::Build(*config, &scratch_store, &scratch_self, diags, warnings);
  if (!diags->empty() || scratch == nullptr) return nullptr;
  return config;
}

namespace {

// The specs `config` would declare, by metric name (what Pipeline::Build would pass to the store).
std::map<std::string, MetricSpec> WantedSpecs(const Config& config) {
  prometheus::Registry registry;
  SelfMetrics self(registry, "");
  MetricStore store(registry, &self);
  DiagnosticList diags;
  std::vector<std::string> warnings;
  Pipeline::Build(config, &store, &self, &diags, &warnings);
  std::map<std::string, MetricSpec> specs;
  for (const auto& name : store.Names()) {
    MetricStore::MetricId id;
    if (store.Find(name, &id)) specs[name] = store.spec(id);
  }
  return specs;
}

// Whether the series of `b` can carry on as those of `a`. Help text and budget are not part of it:
// a new budget applies in place, and a moved metric keeps its counts (and its first help text).
bool SameShape(const MetricSpec& a, const MetricSpec& b) {
  return a.kind == b.kind && a.label_names == b.label_names && a.buckets == b.buckets;
}

}  // namespace

void Engine::Apply(std::unique_ptr<Config> config) {
  pipeline_.reset();  // its processors reference the old config
  std::map<std::string, MetricSpec> wanted = WantedSpecs(*config);
  for (const auto& name : store_.Names()) {
    MetricStore::MetricId id;
    if (!store_.Find(name, &id)) continue;
    auto it = wanted.find(name);
    if (it == wanted.end() || !SameShape(it->second, store_.spec(id))) store_.Remove(name);
  }
  DiagnosticList diags;
  std::vector<std::string> warnings;
  config_ = std::move(config);
  pipeline_ = Pipeline::Build(*config_, &store_, &self_, &diags, &warnings);
}

}  // namespace bam::exporter
