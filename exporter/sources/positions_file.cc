#include "exporter/sources/positions_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

namespace bam::exporter {
namespace {

constexpr int kFormatVersion = 1;

std::string ErrnoText(const std::string& what, int err) { return what + ": " + std::strerror(err); }

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// write tmp, fsync, rename over `path`, fsync the directory.
bool ReplaceAtomically(const std::string& path, const std::string& data, std::string* error) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = ErrnoText(tmp, errno);
    return false;
  }
  if (!WriteAll(fd, data) || ::fsync(fd) != 0) {
    *error = ErrnoText(tmp, errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::close(fd) != 0) {
    *error = ErrnoText(tmp, errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = ErrnoText("rename " + tmp + " -> " + path, errno);
    ::unlink(tmp.c_str());
    return false;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    // The rename is done; a failed directory fsync only weakens durability, so it is not fatal.
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

// Returns 0 or the errno of the failed open/read; *mtime_ns is the file's modification time.
int ReadWhole(const std::string& path, std::string* out, int64_t* mtime_ns) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    *mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return 0;
}

bool ParseEntry(const nlohmann::json& j, PositionEntry* e) {
  if (!j.is_object()) return false;
  auto str = [&](const char* k, std::string* out) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  auto num = [&](const char* k, uint64_t* out) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_unsigned()) return false;
    *out = it->get<uint64_t>();
    return true;
  };
  return str("source", &e->source) && str("path", &e->path) && num("dev", &e->id.dev) &&
         num("inode", &e->id.inode) && num("offset", &e->offset);
}

}  // namespace

PositionsFile::PositionsFile(std::string path, PositionsFileOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

std::chrono::steady_clock::time_point PositionsFile::Now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

bool PositionsFile::Load(std::string* error) {
  std::map<Key, PositionEntry> loaded;
  bool ok = true;
  std::string text;
  int64_t mtime_ns = 0;
  int read_errno = ReadWhole(path_, &text, &mtime_ns);
  if (read_errno != 0) {
    if (read_errno != ENOENT) {
      *error = ErrnoText(path_, read_errno);
      ok = false;
    }
  } else {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto version = doc.is_object() ? doc.find("version") : doc.end();
    auto files = doc.is_object() ? doc.find("positions") : doc.end();
    if (doc.is_discarded()) {
      *error = path_ + ": not valid JSON";
      ok = false;
    } else if (!doc.is_object() || version == doc.end() || !version->is_number_integer() ||
               files == doc.end() || !files->is_array()) {
      *error = path_ + ": not a positions file (want {\"version\": 1, \"positions\": [...]})";
      ok = false;
    } else if (version->get<int64_t>() != kFormatVersion) {
      *error = path_ + ": unsupported positions file version " + version->dump();
      ok = false;
    } else {
      for (size_t i = 0; i < files->size(); ++i) {
        PositionEntry e;
        if (!ParseEntry((*files)[i], &e)) {
          *error = path_ + ": positions[" + std::to_string(i) +
                   "]: want {source, path, dev, inode, offset}";
          ok = false;
          loaded.clear();
          break;
        }
        Key key{e.source, e.id.dev, e.id.inode};
        loaded[key] = std::move(e);
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  loaded_mtime_ns_ = ok && read_errno == 0 ? std::optional<int64_t>(mtime_ns) : std::nullopt;
  entries_ = std::move(loaded);
  ++generation_;
  written_generation_ = ok ? generation_ : 0;
  return ok;
}

std::optional<int64_t> PositionsFile::loaded_mtime_ns() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loaded_mtime_ns_;
}

std::optional<uint64_t> PositionsFile::Get(const std::string& source,
                                           const FileIdentity& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(Key{source, id.dev, id.inode});
  if (it == entries_.end()) return std::nullopt;
  return it->second.offset;
}

bool PositionsFile::HasPath(const std::string& source, const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, e] : entries_) {
    if (e.source == source && e.path == path) return true;
  }
  return false;
}

std::vector<PositionEntry> PositionsFile::Entries(const std::string& source) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PositionEntry> out;
  for (const auto& [key, e] : entries_) {
    if (e.source == source) out.push_back(e);
  }
  return out;
}

void PositionsFile::Set(const std::string& source, const std::string& path, const FileIdentity& id,
                        uint64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  PositionEntry& e = entries_[Key{source, id.dev, id.inode}];
  if (e.source == source && e.path == path && e.id == id && e.offset == offset) return;
  e.source = source;
  e.path = path;
  e.id = id;
  e.offset = offset;
  ++generation_;
}

void PositionsFile::Remove(const std::string& source, const FileIdentity& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.erase(Key{source, id.dev, id.inode}) > 0) ++generation_;
}

bool PositionsFile::Flush(std::string* error) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  nlohmann::json doc;
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_attempt_ = Now();
    if (generation_ == written_generation_) return true;
    generation = generation_;
    nlohmann::json files = nlohmann::json::array();
    for (const auto& [key, e] : entries_) {
      files.push_back({{"source", e.source},
                       {"path", e.path},
                       {"dev", e.id.dev},
                       {"inode", e.id.inode},
                       {"offset", e.offset}});
    }
    doc = {{"version", kFormatVersion}, {"positions", std::move(files)}};
  }
  // Invalid UTF-8 in a path must not throw: replace it (the path is informational only).
  std::string text = doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (!ReplaceAtomically(path_, text, error)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  written_generation_ = generation;
  return true;
}

bool PositionsFile::MaybeFlush(std::string* error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (Now() - last_attempt_ < options_.flush_interval) return true;
  }
  return Flush(error);
}

}  // namespace bam::exporter
