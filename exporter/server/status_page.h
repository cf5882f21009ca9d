// The status page (GET /) and its JSON twin (GET /status.json): what the exporter is reading, how
// far it got and what went wrong last, for a human with a browser and for scripts.
// Thread-safe: the functions are pure.
#ifndef BAM_EXPORTER_SERVER_STATUS_PAGE_H_
#define BAM_EXPORTER_SERVER_STATUS_PAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/sources/live_source.h"

namespace bam::exporter {

// Outcome of a configuration reload (/-/reload, SIGHUP).
struct ReloadResult {
  bool ok = false;
  std::string message;  // on failure: why (the diagnostics); on success: may be empty
};

// Everything the status page shows; filled by the daemon's status callback.
struct ServerStatus {
  std::string version;      // bam-exporter version
  std::string config_file;  // --config.file as given
  std::vector<SourceStatus> sources;
  std::optional<ReloadResult> last_reload;  // none: no reload since start
  int64_t last_reload_unix_seconds = 0;     // when last_reload happened
};

// A self-contained HTML page (no scripts, no external resources); every value is escaped.
// `telemetry_path` is linked from the page.
std::string RenderStatusHtml(const ServerStatus& status, const std::string& telemetry_path);

// The same content as JSON: {"version", "config_file", "last_reload": {"ok", "message", "time"} or
// null, "sources": [{"source", "kind", "running", "inputs": [{"name", "offset", "lines",
// "last_error"}]}]}. Invalid UTF-8 in names and errors is replaced by U+FFFD.
std::string RenderStatusJson(const ServerStatus& status);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SERVER_STATUS_PAGE_H_
