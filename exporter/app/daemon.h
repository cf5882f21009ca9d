// Daemon: the long-running bam-exporter — live sources feeding the pipeline, the HTTP server
// (/metrics, /-/healthy, /-/ready, /-/reload, status page, push endpoints), reloads on SIGHUP or
// POST /-/reload, graceful shutdown on SIGTERM/SIGINT.
//
// A reload checks the new configuration first (Engine::Check); a config that fails is rejected
// whole, counted in bam_exporter_config_reloads_total{result="failure"} and logged, and the running
// one keeps going. A good one: sources are stopped (tailers flush their positions, Kafka commits),
// the engine applies it (unchanged metrics keep their counts), new sources start where the old
// ones stopped.
// Not thread-safe: construct and Run() from the main thread, once.
#ifndef BAM_EXPORTER_APP_DAEMON_H_
#define BAM_EXPORTER_APP_DAEMON_H_

#include "exporter/app/flags.h"

namespace bam::exporter {

// Runs until SIGTERM or SIGINT. Returns the exit status: 0 after a clean shutdown, 1 when the
// configuration, the positions file, a source or the listener cannot be used at start.
int RunDaemon(const Flags& flags);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_DAEMON_H_
