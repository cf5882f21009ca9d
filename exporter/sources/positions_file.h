// PositionsFile: how far each tailed file has been counted, persisted at --storage.positions-file
// so that a restart resumes where the last run stopped counting (see docs/tailing.md).
//
// An entry is keyed by (source name, device, inode): the identity survives a rename, so a rotated
// file is recognised under its new name; the path is kept for humans and for finding a file that
// was rotated while the exporter was down. The offset is the byte just after the last complete
// line the source's sink has returned from — never inside a partial line.
//
// The file is JSON, replaced atomically: written to "<path>.tmp" in the same directory, fsync'd,
// renamed over <path>, then the directory is fsync'd. A crash at any point leaves either the old
// or the new content, never a mix; a stale "<path>.tmp" is ignored by Load and overwritten.
//
// This class is thread-safe: several tailers may share one PositionsFile.
#ifndef BAM_EXPORTER_SOURCES_POSITIONS_FILE_H_
#define BAM_EXPORTER_SOURCES_POSITIONS_FILE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace bam::exporter {

// Which file, independent of its name: st_dev and st_ino of the open file.
struct FileIdentity {
  uint64_t dev = 0;
  uint64_t inode = 0;
  friend auto operator<=>(const FileIdentity&, const FileIdentity&) = default;
};

struct PositionEntry {
  std::string source;
  std::string path;  // where the file was last seen (informational; may be stale)
  FileIdentity id;
  uint64_t offset = 0;
};

struct PositionsFileOptions {
  // How often MaybeFlush() writes a changed map. Default 1 s: after a SIGKILL, at most about one
  // interval of lines is read again.
  std::chrono::milliseconds flush_interval{1000};
  // Clock seam for tests. Default std::chrono::steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> now;
};

class PositionsFile {
 public:
  // `path` is where the map lives; nothing is read or written until Load()/Flush().
  explicit PositionsFile(std::string path, PositionsFileOptions options = {});
  PositionsFile(const PositionsFile&) = delete;
  PositionsFile& operator=(const PositionsFile&) = delete;

  const std::string& path() const { return path_; }

  // Replaces the in-memory map with the file's content. A missing file is not an error (an empty
  // map, first run). Returns false and sets *error ("FILE: why") when the file exists but cannot
  // be read or is not a valid positions file; the in-memory map is then left empty. Never throws.
  bool Load(std::string* error);

  // Modification time of the file read by the last successful Load(), in nanoseconds since the
  // epoch: about when the previous run last saved. Nullopt before Load() or when there was no file.
  std::optional<int64_t> loaded_mtime_ns() const;

  // The stored offset of `id` for `source`, if any.
  std::optional<uint64_t> Get(const std::string& source, const FileIdentity& id) const;

  // Whether some entry of `source` was last seen at `path`.
  bool HasPath(const std::string& source, const std::string& path) const;

  // Every entry of `source`, sorted by identity.
  std::vector<PositionEntry> Entries(const std::string& source) const;

  // Records (or updates) an entry. Cheap: memory only; written by the next flush.
  void Set(const std::string& source, const std::string& path, const FileIdentity& id,
           uint64_t offset);

  // Forgets an entry (the file was read to its end and dropped, or no longer exists).
  void Remove(const std::string& source, const FileIdentity& id);

  // Writes the map now if it changed since the last successful write. Returns false and sets
  // *error on an I/O failure (the old file is then still intact); the next flush retries.
  bool Flush(std::string* error);

  // Flush(), but only when flush_interval has passed since the last write attempt. Tailers call
  // this from their poll loop. Returns false and sets *error like Flush.
  bool MaybeFlush(std::string* error);

 private:
  using Key = std::tuple<std::string, uint64_t, uint64_t>;  // source, dev, inode

  std::chrono::steady_clock::time_point Now() const;

  const std::string path_;
  const PositionsFileOptions options_;

  std::mutex write_mu_;    // serialises writers, so an older snapshot never replaces a newer one
  mutable std::mutex mu_;  // guards everything below
  std::map<Key, PositionEntry> entries_;
  uint64_t generation_ = 0;          // bumped by every change
  uint64_t written_generation_ = 0;  // generation of the content on disk
  std::chrono::steady_clock::time_point last_attempt_{};
  std::optional<int64_t> loaded_mtime_ns_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_POSITIONS_FILE_H_
