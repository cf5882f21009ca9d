#include "loggen/testing/in_process.h"

#include <gtest/gtest.h>

#include "loggen/flags.h"
#include "loggen/generator.h"

namespace bam::loggen::testing {

nlohmann::json RunBackfill(std::vector<std::string> flags, Output* out) {
  flags.insert(flags.begin(), "bam-loggen");
  std::vector<char*> argv;
  for (auto& f : flags) argv.push_back(f.data());
  std::string error;
  auto cfg = ParseFlags(static_cast<int>(argv.size()), argv.data(), 0, &error);
  EXPECT_TRUE(cfg.has_value()) << error;
  if (!cfg) return nullptr;
  Generator gen(cfg->generator, out);
  Status s = gen.RunBackfill();
  EXPECT_TRUE(s.ok()) << s.message();
  RunInfo run;
  run.start_ms = cfg->generator.start_ms;
  run.end_ms = gen.end_ms();
  return nlohmann::json::parse(gen.truth().ToJson(run).dump());
}

}  // namespace bam::loggen::testing
