#include "rulesvc/rules_admin/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/read_file.h"

namespace bam::rulesvc::rules_admin {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what, const std::string& path) {
  return Status::Internal(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

StatusOr<std::optional<std::string>> ReadIfExists(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) return Status::Internal("cannot stat " + path + ": " + ec.message());
    return std::optional<std::string>();
  }
  std::string text, error;
  if (!ReadFile(path, &text, &error)) return Status::Internal("cannot read " + path + ": " + error);
  return std::optional<std::string>(std::move(text));
}

Status WriteAtomically(const std::string& path, const std::string& content) {
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("cannot create " + dir.string() + ": " + ec.message());
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", tmp);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Errno("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    Status s = Errno("cannot close", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("cannot rename " + tmp + " to", path);
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename itself must survive a crash: sync the directory entry.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status();
}

Status Restore(const std::string& path, const std::optional<std::string>& previous) {
  if (previous) return WriteAtomically(path, *previous);
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return Status::Internal("cannot remove " + path + ": " + ec.message());
  return Status();
}

}  // namespace bam::rulesvc::rules_admin
