// File and stdout outputs, with rotation by rename or copytruncate.
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "loggen/output.h"

namespace bam::loggen {
namespace {

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error("write " + what + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

class FdOutput : public Output {
 public:
  explicit FdOutput(int fd) : fd_(fd) {}
  Status Write(std::string_view lines) override { return WriteAll(fd_, lines, "stdout"); }
  Status Close() override { return Status(); }

 private:
  int fd_;
};

class FileOutput : public Output {
 public:
  FileOutput(FileOutputOptions options, int fd) : options_(std::move(options)), fd_(fd) {}
  ~FileOutput() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Write(std::string_view lines) override {
    const uint64_t limit = options_.rotation == Rotation::kNone ? 0 : options_.rotate_bytes;
    while (!lines.empty()) {
      size_t take = lines.size();
      if (limit > 0 && size_ + take > limit) {
        // Fill up to the limit with whole lines; a file that is still empty takes at least one
        // line.
        size_t room = limit > size_ ? static_cast<size_t>(limit - size_) : 0;
        size_t cut = room == 0 ? std::string_view::npos : lines.rfind('\n', room - 1);
        if (cut == std::string_view::npos) {
          if (size_ > 0) {
            if (Status s = Rotate(); !s.ok()) return s;
            continue;
          }
          cut = lines.find('\n');
        }
        take = cut + 1;
      }
      if (Status s = WriteAll(fd_, lines.substr(0, take), options_.path); !s.ok()) return s;
      size_ += take;
      lines.remove_prefix(take);
      if (limit > 0 && size_ >= limit && !lines.empty()) {
        if (Status s = Rotate(); !s.ok()) return s;
      }
    }
    return Status();
  }

  Status Close() override {
    if (fd_ >= 0 && ::close(fd_) != 0) {
      fd_ = -1;
      return Status::Error("close " + options_.path + ": " + std::strerror(errno));
    }
    fd_ = -1;
    return Status();
  }

 private:
  Status ShiftOld() {
    namespace fs = std::filesystem;
    std::error_code ec;
    int last = 0;
    while (fs::exists(options_.path + "." + std::to_string(last + 1), ec)) ++last;
    for (int i = last; i >= 1; --i) {
      fs::rename(options_.path + "." + std::to_string(i),
                 options_.path + "." + std::to_string(i + 1), ec);
      if (ec) return Status::Error("rotate " + options_.path + ": " + ec.message());
    }
    return Status();
  }

  Status Rotate() {
    if (Status s = ShiftOld(); !s.ok()) return s;
    const std::string first = options_.path + ".1";
    if (options_.rotation == Rotation::kRename) {
      if (::rename(options_.path.c_str(), first.c_str()) != 0) {
        return Status::Error("rename " + options_.path + ": " + std::strerror(errno));
      }
      ::close(fd_);
      fd_ = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd_ < 0) return Status::Error("open " + options_.path + ": " + std::strerror(errno));
    } else {
      int in = ::open(options_.path.c_str(), O_RDONLY | O_CLOEXEC);
      int out = ::open(first.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (in < 0 || out < 0) {
        if (in >= 0) ::close(in);
        if (out >= 0) ::close(out);
        return Status::Error("copytruncate " + options_.path + ": " + std::strerror(errno));
      }
      off_t offset = 0;
      while (offset < static_cast<off_t>(size_)) {
        ssize_t n = ::sendfile(out, in, &offset, size_ - static_cast<uint64_t>(offset));
        if (n <= 0) {
          ::close(in);
          ::close(out);
          return Status::Error("copytruncate " + options_.path + ": " + std::strerror(errno));
        }
      }
      ::close(in);
      ::close(out);
      if (::ftruncate(fd_, 0) != 0)
        return Status::Error("truncate " + options_.path + ": " + std::strerror(errno));
    }
    size_ = 0;
    return Status();
  }

  FileOutputOptions options_;
  int fd_;
  uint64_t size_ = 0;
};

class Tee : public Output {
 public:
  explicit Tee(std::vector<std::unique_ptr<Output>> outputs) : outputs_(std::move(outputs)) {}
  Status Write(std::string_view lines) override {
    for (auto& o : outputs_) {
      if (Status s = o->Write(lines); !s.ok()) return s;
    }
    return Status();
  }
  Status Close() override {
    Status first;
    for (auto& o : outputs_) {
      Status s = o->Close();
      if (first.ok() && !s.ok()) first = s;
    }
    return first;
  }

 private:
  std::vector<std::unique_ptr<Output>> outputs_;
};

}  // namespace

std::unique_ptr<Output> OpenFileOutput(const FileOutputOptions& options, std::string* error) {
  // O_APPEND: after a copytruncate the next write lands at the new end, offset 0.
  int fd = ::open(options.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "cannot open " + options.path + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<FileOutput>(options, fd);
}

std::unique_ptr<Output> OpenStdoutOutput() { return std::make_unique<FdOutput>(1); }

std::unique_ptr<Output> TeeOutputs(std::vector<std::unique_ptr<Output>> outputs) {
  if (outputs.size() == 1) return std::move(outputs[0]);
  return std::make_unique<Tee>(std::move(outputs));
}

}  // namespace bam::loggen
