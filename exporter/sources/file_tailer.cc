#include "exporter/sources/file_tailer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

#include "exporter/sources/line_splitter.h"
#include "exporter/sources/oneshot_reader.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter {
namespace {

constexpr size_t kChunk = 256 << 10;

// Forwards to the real sink and counts delivered lines for Status().
class CountingSink : public LineSink {
 public:
  CountingSink(LineSink* inner, uint64_t* lines) : inner_(inner), lines_(lines) {}
  void OnLine(std::string_view line) override {
    inner_->OnLine(line);
    ++*lines_;
  }
  void OnTooLong() override { inner_->OnTooLong(); }

 private:
  LineSink* inner_;
  uint64_t* lines_;
};

int DefaultOpen(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

FileIdentity IdentityOf(const struct stat& st) {
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

// start_at: end. Starts after the last complete line, so a line being written at startup is
// delivered whole once its newline arrives instead of as a fragment.
uint64_t OffsetAfterLastNewline(int fd, uint64_t size, size_t max_line_bytes) {
  const uint64_t window = std::min<uint64_t>(size, static_cast<uint64_t>(max_line_bytes) + 2);
  std::string tail(window, '\0');
  size_t got = 0;
  while (got < window) {
    ssize_t n =
        ::pread(fd, tail.data() + got, window - got, static_cast<off_t>(size - window + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < window) return size;  // raced with a truncation: the next poll sorts it out
  size_t nl = tail.rfind('\n');
  if (nl != std::string::npos) return size - window + nl + 1;
  return window == size ? 0 : size;  // the whole file is one unfinished line: wait for it
}

// logrotate's `compress`: a rotated file we must not read as text.
bool IsCompressed(const std::string& name) {
  for (const char* ext : {".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip", ".Z"}) {
    std::string_view e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

std::string Errno(int err) { return std::strerror(err); }

// Looks in `dir` for a regular file with identity `id` (a file rotated while we were down).
bool FindByIdentity(const std::string& dir, const FileIdentity& id, std::string* found) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  bool ok = false;
  while (struct dirent* ent = ::readdir(d)) {
    if (static_cast<uint64_t>(ent->d_ino) != id.inode) continue;
    std::string p = dir + "/" + ent->d_name;
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && IdentityOf(st) == id) {
      *found = p;
      ok = true;
      break;
    }
  }
  ::closedir(d);
  return ok;
}

}  // namespace

struct FileTailer::Tracked {
  explicit Tracked(size_t max_line_bytes) : splitter(max_line_bytes) {}
  ~Tracked() {
    if (fd >= 0) ::close(fd);
  }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;

  std::string path;
  FileIdentity id;
  int fd = -1;
  uint64_t read_pos = 0;  // next byte to read
  uint64_t offset = 0;    // end of the last delivered line: read_pos minus the held partial line
  uint64_t lines = 0;
  LineSplitter splitter;
  bool rotated = false;  // no longer at a matching path: drain to EOF, then drop
  std::chrono::steady_clock::time_point last_activity{};  // last new bytes, or when rotated
  std::string last_error;
};

FileTailer::FileTailer(const SourceConfig& source, PositionsFile* positions, SelfMetrics* metrics,
                       FileTailerOptions options)
    : source_(source.name),
      paths_(source.file.paths),
      start_at_(source.file.start_at),
      max_line_bytes_(static_cast<size_t>(source.max_line_bytes)),
      positions_(positions),
      metrics_(metrics),
      options_(std::move(options)) {
  status_.source = source_;
  status_.kind = "file";
}

FileTailer::~FileTailer() { Stop(); }

std::chrono::steady_clock::time_point FileTailer::Now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

void FileTailer::Log(TailLogLevel level, const std::string& message) const {
  if (options_.log) options_.log(level, "file source " + source_ + ": " + message);
}

void FileTailer::CountError(const std::string& kind) const {
  if (metrics_ != nullptr) metrics_->SourceError(source_, kind).Increment();
}

bool FileTailer::Start(LineSink* sink, std::string* error) {
  if (started_) {
    *error = "file source " + source_ + ": already started";
    return false;
  }
  if (paths_.empty()) {
    *error = "file source " + source_ + ": no paths";
    return false;
  }
  started_ = true;
  sink_ = sink;
  buf_.reset(new char[kChunk]);
  Scan(/*initial=*/true);
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.running = true;
  }
  PublishStatus();
  thread_ = std::thread(&FileTailer::Run, this);
  return true;
}

void FileTailer::Stop() {
  if (!started_ || stop_.exchange(true)) return;
  { std::lock_guard<std::mutex> lock(wake_mu_); }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Held partial lines are not delivered: their bytes are past the recorded offsets, so the next
  // run reads them again, whole.
  for (const auto& t : tracked_) RecordPosition(*t);
  FlushPositions(/*force=*/true);
  PublishStatus();
  tracked_.clear();
  std::lock_guard<std::mutex> lock(status_mu_);
  status_.running = false;
}

void FileTailer::Run() {
  while (!stop_.load()) {
    if (Now() - last_scan_ >= options_.rescan_interval) Scan(/*initial=*/false);
    // Rotated files come first in tracked_, so an old file is drained before its successor.
    for (size_t i = 0; i < tracked_.size() && !stop_.load();) {
      Tracked& t = *tracked_[i];
      bool at_eof = ReadNew(t);
      if (t.rotated && at_eof && !stop_.load() &&
          Now() - t.last_activity >= options_.rescan_interval) {
        Drop(t);
        tracked_.erase(tracked_.begin() + static_cast<ptrdiff_t>(i));
        continue;
      }
      ++i;
    }
    FlushPositions(/*force=*/false);
    PublishStatus();
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stop_.load(); });
  }
}

void FileTailer::SetPathError(const std::string& path, const std::string& kind,
                              const std::string& text) {
  CountError(kind);
  std::string& last = path_errors_[path];
  if (last != text) {
    Log(TailLogLevel::kWarn, path + ": " + text + " (retried every rescan)");
    last = text;
  }
}

void FileTailer::Scan(bool initial) {
  const auto now = Now();
  last_scan_ = now;
  std::vector<std::string> matches = ExpandGlobs(paths_, nullptr);
  std::set<FileIdentity> seen;
  auto find = [this](const FileIdentity& id) -> Tracked* {
    for (auto& t : tracked_) {
      if (t->id == id) return t.get();
    }
    return nullptr;
  };

  for (const std::string& p : matches) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT) continue;  // gone between glob and stat: deleted
      // Cannot tell what is at the path now: keep following whatever we follow there.
      for (auto& t : tracked_) {
        if (!t->rotated && t->path == p) seen.insert(t->id);
      }
      SetPathError(p, err == EACCES ? "permission_denied" : "stat_failed", Errno(err));
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    FileIdentity id = IdentityOf(st);
    if (seen.count(id) > 0) continue;  // same file under a second matching name
    if (Tracked* t = find(id)) {
      if (t->rotated) Log(TailLogLevel::kInfo, p + ": rotated file matches again; following it");
      t->path = p;  // renamed to another matching name: keep following, same offset
      t->rotated = false;
      seen.insert(id);
      path_errors_.erase(p);
      continue;
    }
    int fd = options_.open_file ? options_.open_file(p) : DefaultOpen(p);
    if (fd < 0) {
      SetPathError(p, -fd == EACCES || -fd == EPERM ? "permission_denied" : "open_failed",
                   Errno(-fd));
      continue;
    }
    struct stat fst;
    if (::fstat(fd, &fst) != 0) {
      SetPathError(p, "open_failed", Errno(errno));
      ::close(fd);
      continue;
    }
    FileIdentity fid = IdentityOf(fst);  // the file we opened, even if the path changed since
    if (seen.count(fid) > 0 || find(fid) != nullptr) {
      ::close(fd);
      seen.insert(fid);
      continue;
    }
    seen.insert(fid);
    if (path_errors_.erase(p) > 0) Log(TailLogLevel::kInfo, p + ": readable again");
    auto t = std::make_unique<Tracked>(max_line_bytes_);
    t->path = p;
    t->id = fid;
    t->fd = fd;
    t->offset = t->read_pos = StartOffset(p, fid, fd, static_cast<uint64_t>(fst.st_size), initial);
    t->last_activity = now;
    RecordPosition(*t);
    Log(TailLogLevel::kInfo, p + ": following from offset " + std::to_string(t->offset));
    tracked_.push_back(std::move(t));
  }

  for (auto& t : tracked_) {
    if (!t->rotated && seen.count(t->id) == 0) {
      t->rotated = true;
      t->last_activity = now;
      Log(TailLogLevel::kInfo, t->path + ": rotated or deleted; reading the old file to its end");
    }
  }
  std::set<std::string> matched(matches.begin(), matches.end());
  std::erase_if(path_errors_, [&](const auto& kv) { return matched.count(kv.first) == 0; });
  if (initial) ResumeRotatedAway();
}

uint64_t FileTailer::StartOffset(const std::string& path, const FileIdentity& id, int fd,
                                 uint64_t size, bool initial) {
  if (positions_ != nullptr) {
    if (auto stored = positions_->Get(source_, id)) {
      if (*stored > size) {
        Log(TailLogLevel::kInfo, path + ": truncated while stopped (size " + std::to_string(size) +
                                     " < stored offset " + std::to_string(*stored) +
                                     "); reading from the start");
        return 0;
      }
      return *stored;
    }
  }
  if (!initial) return 0;  // appeared while running: all of it is new data
  // The path held another file when we last ran: this one replaced it, so all of it is new.
  if (positions_ != nullptr && positions_->HasPath(source_, path)) return 0;
  if (start_at_ == StartAt::kBeginning) return 0;
  return OffsetAfterLastNewline(fd, size, max_line_bytes_);
}

void FileTailer::ResumeRotatedAway() {
  if (positions_ == nullptr) return;
  std::vector<std::unique_ptr<Tracked>> resumed;
  std::set<std::string> rotated_paths;  // stored paths that hold another file (or none) now
  auto followed = [&](const FileIdentity& id) {
    auto same = [&](const auto& t) { return t->id == id; };
    return std::any_of(tracked_.begin(), tracked_.end(), same) ||
           std::any_of(resumed.begin(), resumed.end(), same);
  };
  auto open_rotated = [&](const std::string& path, const FileIdentity* want, uint64_t offset) {
    int fd = options_.open_file ? options_.open_file(path) : DefaultOpen(path);
    if (fd < 0) return false;
    struct stat st;
    if (::fstat(fd, &st) != 0 || (want != nullptr && IdentityOf(st) != *want) ||
        followed(IdentityOf(st))) {
      ::close(fd);
      return false;
    }
    auto t = std::make_unique<Tracked>(max_line_bytes_);
    t->path = path;
    t->id = IdentityOf(st);
    t->fd = fd;
    t->offset = t->read_pos = offset <= static_cast<uint64_t>(st.st_size) ? offset : 0;
    t->rotated = true;
    t->last_activity = Now();
    Log(TailLogLevel::kInfo, path + ": rotated while stopped; reading it to its end from offset " +
                                 std::to_string(t->offset));
    RecordPosition(*t);
    resumed.push_back(std::move(t));
    return true;
  };

  for (const PositionEntry& e : positions_->Entries(source_)) {
    if (followed(e.id)) continue;
    rotated_paths.insert(e.path);
    std::string dir = std::filesystem::path(e.path).parent_path().string();
    std::string found;
    if (!FindByIdentity(dir.empty() ? "." : dir, e.id, &found) ||
        !open_rotated(found, &e.id, e.offset)) {
      Log(TailLogLevel::kInfo, e.path + ": in the positions file but gone; forgetting it");
      positions_->Remove(source_, e.id);
    }
  }

  // Rotated more than once while we were down: a file created after our last save and already
  // rotated away (app.log.1 between app.log.2, which we knew, and the new app.log) is all new.
  std::optional<int64_t> saved_ns = positions_->loaded_mtime_ns();
  std::vector<std::pair<int64_t, std::string>> middle;  // (mtime, path)
  if (!saved_ns) rotated_paths.clear();
  for (const std::string& stored : rotated_paths) {
    std::filesystem::path sp(stored);
    std::string dir = sp.parent_path().empty() ? "." : sp.parent_path().string();
    const std::string prefix = sp.filename().string() + ".";
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) continue;
    while (struct dirent* ent = ::readdir(d)) {
      std::string name = ent->d_name;
      if (name.rfind(prefix, 0) != 0 || IsCompressed(name)) continue;
      std::string p = dir + "/" + name;
      struct stat st;
      if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
      // Strictly after: a rotated file we finished and forgot just before the save was last
      // written at least a rescan interval earlier, so it is never taken for a new one.
      if (mtime <= *saved_ns || followed(IdentityOf(st)) ||
          positions_->Get(source_, IdentityOf(st)))
        continue;
      middle.emplace_back(mtime, p);
    }
    ::closedir(d);
  }
  std::sort(middle.begin(), middle.end());
  for (const auto& [mtime, p] : middle) open_rotated(p, nullptr, 0);

  // Before the files found by the globs, so older content is read first.
  tracked_.insert(tracked_.begin(), std::make_move_iterator(resumed.begin()),
                  std::make_move_iterator(resumed.end()));
}

bool FileTailer::ReadNew(Tracked& t) {
  struct stat st;
  if (::fstat(t.fd, &st) != 0) {
    int err = errno;
    if (t.last_error.empty()) Log(TailLogLevel::kWarn, t.path + ": " + Errno(err));
    t.last_error = Errno(err);
    CountError("read_error");
    return true;
  }
  if (static_cast<uint64_t>(st.st_size) < t.read_pos) {
    // copytruncate (or `> file`): normal operation, not an error. A held partial line belonged to
    // the old content and is discarded.
    Log(TailLogLevel::kInfo, t.path + ": truncated (size " + std::to_string(st.st_size) +
                                 " < offset " + std::to_string(t.read_pos) +
                                 "); reading from the start");
    t.read_pos = t.offset = 0;
    t.splitter = LineSplitter(max_line_bytes_);
    RecordPosition(t);
  }
  CountingSink sink(sink_, &t.lines);
  size_t budget = options_.max_bytes_per_poll;
  while (budget > 0 && !stop_.load()) {
    ssize_t n = ::pread(t.fd, buf_.get(), std::min(kChunk, budget), static_cast<off_t>(t.read_pos));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      if (t.last_error != Errno(err)) Log(TailLogLevel::kWarn, t.path + ": read: " + Errno(err));
      t.last_error = Errno(err);
      CountError("read_error");
      return false;
    }
    if (n == 0) return true;
    t.last_error.clear();
    budget -= static_cast<size_t>(n);
    t.read_pos += static_cast<uint64_t>(n);
    t.splitter.Feed(std::string_view(buf_.get(), static_cast<size_t>(n)), &sink);
    t.offset = t.read_pos - t.splitter.pending_bytes();
    t.last_activity = Now();
    RecordPosition(t);
  }
  return false;
}

void FileTailer::Drop(Tracked& t) {
  // No more bytes can come: a final line without its newline is delivered now.
  CountingSink sink(sink_, &t.lines);
  t.splitter.Finish(&sink);
  if (positions_ != nullptr) positions_->Remove(source_, t.id);
  Log(TailLogLevel::kInfo,
      t.path + ": rotated file read to its end (" + std::to_string(t.read_pos) + " bytes); closed");
}

void FileTailer::RecordPosition(const Tracked& t) {
  if (positions_ != nullptr) positions_->Set(source_, t.path, t.id, t.offset);
}

void FileTailer::FlushPositions(bool force) {
  if (positions_ == nullptr) return;
  std::string error;
  bool ok = force ? positions_->Flush(&error) : positions_->MaybeFlush(&error);
  if (ok) {
    positions_error_.clear();
    return;
  }
  CountError("positions_write");
  if (error != positions_error_) Log(TailLogLevel::kWarn, "positions file: " + error);
  positions_error_ = error;
}

void FileTailer::PublishStatus() {
  std::vector<InputStatus> inputs;
  for (const auto& t : tracked_) {
    inputs.push_back(InputStatus{t->rotated ? t->path + " (rotated)" : t->path, t->offset, t->lines,
                                 t->last_error});
  }
  for (const auto& [path, error] : path_errors_) inputs.push_back(InputStatus{path, 0, 0, error});
  std::lock_guard<std::mutex> lock(status_mu_);
  status_.inputs = std::move(inputs);
}

SourceStatus FileTailer::Status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

}  // namespace bam::exporter
