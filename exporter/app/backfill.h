// --backfill: reads the file and stdin sources to EOF, like --one-shot, and writes the history of
// every business metric as OpenMetrics with event timestamps (docs/backfill.md).
//
// Every --backfill.step of event time (boundaries at multiples of the step in Unix time), the value
// of every series is written at the boundary: the lines stamped before it, from every source
// (StepBarrier reads the sources side by side, one thread each). Before each snapshot the pipeline
// is refreshed at the boundary, so `unique` windows and `duration` timeouts move with event time
// exactly as they do with the wall clock in a live run. The exporter's own bam_exporter_* metrics
// are not written; a summary goes to the log instead. The output appears only when complete
// (BackfillWriter).
// Not thread-safe (one call per process).
#ifndef BAM_EXPORTER_APP_BACKFILL_H_
#define BAM_EXPORTER_APP_BACKFILL_H_

#include <cstdio>

#include "exporter/app/flags.h"

namespace bam::exporter {

// Exit status: 0 success; 1 invalid config, a source read without `timestamp`, or an output
// error (every problem printed to `err`).
int RunBackfill(const Flags& flags, std::FILE* err);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_BACKFILL_H_
