// FileTailer: the live file source. Follows every file matching the source's globs, through
// rotation (rename-and-create, copytruncate), deletion and re-creation, symlink swaps and
// permission problems, and hands each complete line to the sink exactly once per run.
// docs/tailing.md says what happens in each scenario; in short:
//   - one thread polls: every poll_interval it reads new bytes of every open file; every
//     rescan_interval it re-expands the globs and re-stats the paths;
//   - a file is followed by identity (device + inode), not by name: a file renamed or deleted
//     under us is read to its end through the open descriptor, then dropped;
//   - a partial last line is held until its newline; offsets (Status, PositionsFile) only ever
//     cover complete, delivered lines;
//   - start_at applies only to files present at Start() and unknown to the positions file; files
//     appearing later are new data and are read from their first byte.
//
// Start/Stop/Status follow LiveSource. The sink is called from the tailer's own thread only.
// This class is thread-safe: Status() may be called from any thread while the tailer runs.
#ifndef BAM_EXPORTER_SOURCES_FILE_TAILER_H_
#define BAM_EXPORTER_SOURCES_FILE_TAILER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "exporter/config/config.h"
#include "exporter/sources/live_source.h"
#include "exporter/sources/positions_file.h"

namespace bam::exporter {

class SelfMetrics;

enum class TailLogLevel { kInfo, kWarn };

struct FileTailerOptions {
  // How often open files are checked for new bytes. Default 250 ms.
  std::chrono::milliseconds poll_interval{250};
  // How often the globs are re-expanded and paths re-stat'ed (new files, rotation, deletion,
  // retrying unreadable files). A rotated-away or deleted file that has shown no new bytes for
  // this long is dropped. Default 1 s.
  std::chrono::milliseconds rescan_interval{1000};
  // Upper bound on bytes read from one file per poll, so one busy file cannot starve the others
  // or delay Stop(). Default 16 MiB.
  size_t max_bytes_per_poll = 16 << 20;
  // Clock seam for tests: decides when rescans, drops and positions flushes are due (the thread
  // still waits poll_interval of real time between polls). Default std::chrono::steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> now;
  // Filesystem seam for tests: opens `path` read-only and returns the descriptor (the tailer
  // owns and closes it), or -errno. Default open(path, O_RDONLY | O_CLOEXEC).
  std::function<int(const std::string& path)> open_file;
  // Where rotation, truncation and errors are logged. Warnings are logged once per change of a
  // path's error, not on every retry. Default: not logged.
  std::function<void(TailLogLevel level, std::string_view message)> log;
};

class FileTailer : public LiveSource {
 public:
  // `source` must be a file source (kind kFile); its name, file.paths, file.start_at and
  // max_line_bytes are copied. `positions` (may be null: no persistence) and `metrics` (may be
  // null: errors are not counted) are not owned and must outlive the tailer. The daemon calls
  // positions->Load() before constructing tailers.
  FileTailer(const SourceConfig& source, PositionsFile* positions, SelfMetrics* metrics,
             FileTailerOptions options = {});
  ~FileTailer() override;  // Stop()s
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // Expands the globs and opens the files present now (deciding each start offset: positions
  // file, else start_at), then starts the polling thread. Returns false and sets *error only if
  // called twice or the source has no paths; unreadable or missing files are retried, not errors.
  bool Start(LineSink* sink, std::string* error) override;

  // Stops polling, does not deliver held partial lines, records and flushes positions, joins the
  // thread and closes the files. Idempotent.
  void Stop() override;

  // One input per followed file (name is the path; " (rotated)" is appended for a file being
  // drained after rotation or deletion) and per path that could not be opened (last_error set).
  SourceStatus Status() const override;

 private:
  struct Tracked;

  std::chrono::steady_clock::time_point Now() const;
  void Log(TailLogLevel level, const std::string& message) const;
  void CountError(const std::string& kind) const;
  void Run();
  void Scan(bool initial);
  void ResumeRotatedAway();
  uint64_t StartOffset(const std::string& path, const FileIdentity& id, int fd, uint64_t size,
                       bool initial);
  void SetPathError(const std::string& path, const std::string& kind, const std::string& text);
  // Reads what is new in `t`; returns true when the read reached end of file.
  bool ReadNew(Tracked& t);
  void Drop(Tracked& t);
  void RecordPosition(const Tracked& t);
  void FlushPositions(bool force);
  void PublishStatus();

  const std::string source_;
  const std::vector<std::string> paths_;
  const StartAt start_at_;
  const size_t max_line_bytes_;
  PositionsFile* const positions_;
  SelfMetrics* const metrics_;
  const FileTailerOptions options_;

  LineSink* sink_ = nullptr;
  std::thread thread_;
  bool started_ = false;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};

  // Owned by the polling thread (and by Start before it, Stop after it).
  std::vector<std::unique_ptr<Tracked>> tracked_;
  std::map<std::string, std::string> path_errors_;  // path -> last open/stat error text
  std::chrono::steady_clock::time_point last_scan_{};
  std::string positions_error_;
  std::unique_ptr<char[]> buf_;

  mutable std::mutex status_mu_;
  SourceStatus status_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_FILE_TAILER_H_
