#include "exporter/app/backfill.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exporter/app/loaded_config.h"
#include "exporter/app/log.h"
#include "exporter/app/step_barrier.h"
#include "exporter/exposition/backfill_writer.h"
#include "exporter/exposition/text.h"

namespace bam::exporter {

namespace {

bool IsRead(const SourceConfig& sc) {
  return sc.kind == SourceKind::kFile || sc.kind == SourceKind::kStdin;
}

// Sum of every series of the family `name` in `registry`.
double FamilySum(const prometheus::Registry& registry, const std::string& name) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) sum += m.counter.value;
  }
  return sum;
}

std::string FormatCount(double v) { return std::to_string(static_cast<uint64_t>(v)); }

}  // namespace

int RunBackfill(const Flags& flags, std::FILE* err) {
  int64_t step_ms = 0;
  ParseDuration(flags.backfill_step, &step_ms);  // checked by ParseFlags
  std::unique_ptr<LoadedConfig> loaded = LoadAndCompile(flags, /*separate_self=*/true, err);
  if (loaded == nullptr) return 1;
  const Config& config = loaded->config;

  // Snapshots are taken at event time: a source read without a timestamp has none to give.
  DiagnosticList diags;
  std::vector<size_t> read;
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& sc = config.sources[i];
    if (!IsRead(sc)) {
      Log(LogLevel::kInfo, "source " + sc.name + " is live-only; --backfill does not read it");
      continue;
    }
    if (!sc.timestamp.has_value()) {
      diags.Add(config.file, sc.pos, sc.path + ".timestamp",
                "source \"" + sc.name + "\" has no timestamp: --backfill needs the event time",
                "timestamp: {field: ts, layout: rfc3339}");
    }
    read.push_back(i);
  }
  if (!diags.empty()) {
    diags.Sort();
    std::string text = diags.Format();
    std::fwrite(text.data(), 1, text.size(), err);
    return 1;
  }

  std::string error;
  std::unique_ptr<BackfillWriter> writer = BackfillWriter::Create(flags.output, &error);
  if (writer == nullptr) {
    std::fprintf(err, "bam-exporter: %s\n", error.c_str());
    return 1;
  }
  Pipeline& pipeline = *loaded->pipeline;
  // A line whose timestamp does not parse is counted at the latest event time seen.
  pipeline.set_clock([&pipeline] { return pipeline.max_event_ms(); });
  int64_t first_ms = 0, last_ms = 0;
  bool barrier_started = false;
  StepBarrier barrier(static_cast<int>(std::max<size_t>(read.size(), 1)), step_ms,
                      [&](int64_t boundary_ms) {
                        if (!writer->error().empty()) return;  // failed: stop writing
                        pipeline.Refresh(boundary_ms);
                        std::vector<prometheus::MetricFamily> families = loaded->registry.Collect();
                        SortSeries(&families);
                        writer->Write(families, boundary_ms);
                        if (!barrier_started) first_ms = boundary_ms;
                        barrier_started = true;
                        last_ms = boundary_ms;
                      });
  std::vector<std::thread> threads;
  for (size_t n = 0; n < read.size(); ++n) {
    SourceProcessor* proc = &pipeline.source(read[n]);
    proc->set_time_observer(
        [&barrier, n](int64_t time_ms) { barrier.Before(static_cast<int>(n), time_ms); });
    threads.emplace_back([&, n, proc] {
      ReadSourceToEof(config.sources[read[n]], proc, loaded->self.get());
      barrier.Done(static_cast<int>(n));
    });
  }
  if (read.empty()) barrier.Done(0);
  for (auto& t : threads) t.join();
  barrier.Finish();

  if (!writer->Finish()) {
    std::fprintf(err, "bam-exporter: %s\n", writer->error().c_str());
    return 1;
  }
  const prometheus::Registry& self = loaded->self_registry;
  std::string summary = "backfill: wrote " + std::to_string(writer->samples()) + " samples at " +
                        std::to_string(barrier.snapshots()) + " steps of " + flags.backfill_step;
  if (barrier.snapshots() > 0) {
    summary += " from " + std::to_string(first_ms / 1000) + " to " + std::to_string(last_ms / 1000);
  }
  summary += " into " + flags.output + "; lines read " +
             FormatCount(FamilySum(self, "bam_exporter_lines_read_total")) + ", rejected " +
             FormatCount(FamilySum(self, "bam_exporter_lines_rejected_total"));
  Log(LogLevel::kInfo, summary);
  if (uint64_t late = barrier.late_lines(); late > 0) {
    Log(LogLevel::kWarn, "backfill: " + std::to_string(late) +
                             " lines were older than a step already written (a source out of "
                             "time order); each is counted at the next step");
  }
  if (double bad = FamilySum(self, "bam_exporter_source_errors_total"); bad > 0) {
    Log(LogLevel::kWarn, "backfill: " + FormatCount(bad) +
                             " source errors (unreadable files, globs matching nothing or bad "
                             "timestamps); run --one-shot to see them by kind");
  }
  return 0;
}

}  // namespace bam::exporter
