#include "exporter/exposition/backfill_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "exporter/exposition/openmetrics.h"

namespace bam::exporter {

namespace {

namespace fs = std::filesystem;

constexpr size_t kFileBuffer = 1 << 16;

}  // namespace

std::unique_ptr<BackfillWriter> BackfillWriter::Create(const std::string& path,
                                                       std::string* error) {
  std::unique_ptr<BackfillWriter> w(new BackfillWriter(path));
  fs::path out(path);
  fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::string pattern = (parent / ("." + out.filename().string() + ".parts-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    *error = "cannot create a temporary directory beside " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  w->dir_ = pattern;
  return w;
}

BackfillWriter::BackfillWriter(std::string path) : path_(std::move(path)) {}

BackfillWriter::~BackfillWriter() { RemoveTemporaries(); }

void BackfillWriter::RemoveTemporaries() {
  for (auto& f : families_) {
    if (f->file != nullptr) std::fclose(f->file);
    f->file = nullptr;
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
  dir_.clear();
  if (!finished_) fs::remove(path_ + ".tmp", ec);
}

bool BackfillWriter::Fail(const std::string& what) {
  if (error_.empty()) error_ = what;
  return false;
}

bool BackfillWriter::Write(const std::vector<prometheus::MetricFamily>& families,
                           int64_t timestamp_ms) {
  if (!error_.empty()) return false;
  for (const auto& mf : families) {
    Family*& f = by_name_[mf.name];
    if (f == nullptr) {
      auto created = std::make_unique<Family>();
      created->header = OpenMetricsFamilyHeader(mf);
      created->part = dir_ + "/" + std::to_string(families_.size()) + ".om";
      created->file = std::fopen(created->part.c_str(), "w+");
      if (created->file == nullptr) {
        return Fail("cannot create " + created->part + ": " + std::strerror(errno));
      }
      std::setvbuf(created->file, nullptr, _IOFBF, kFileBuffer);
      f = created.get();
      families_.push_back(std::move(created));
    }
    const bool cumulative =
        mf.type == prometheus::MetricType::Counter || mf.type == prometheus::MetricType::Histogram;
    buffer_.clear();
    for (const auto& m : mf.metric) {
      auto [it, is_new] = f->series.insert(OpenMetricsLabels(m));
      if (is_new && cumulative && has_last_) {
        AppendOpenMetricsSamples(mf, ZeroedMetric(m), last_ms_, &buffer_);
      }
      AppendOpenMetricsSamples(mf, m, timestamp_ms, &buffer_);
    }
    samples_ += static_cast<uint64_t>(std::count(buffer_.begin(), buffer_.end(), '\n'));
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), f->file) != buffer_.size()) {
      return Fail("cannot write " + f->part + ": " + std::strerror(errno));
    }
  }
  last_ms_ = timestamp_ms;
  has_last_ = true;
  return true;
}

bool BackfillWriter::Finish() {
  if (!error_.empty()) return false;
  const std::string tmp = path_ + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "w");
  if (out == nullptr) return Fail("cannot create " + tmp + ": " + std::strerror(errno));
  std::setvbuf(out, nullptr, _IOFBF, kFileBuffer);
  std::vector<char> chunk(kFileBuffer);
  bool ok = true;
  for (auto& f : families_) {
    ok = ok && std::fputs(f->header.c_str(), out) >= 0;
    ok = ok && std::fflush(f->file) == 0 && std::fseek(f->file, 0, SEEK_SET) == 0;
    while (ok) {
      size_t n = std::fread(chunk.data(), 1, chunk.size(), f->file);
      if (n == 0) {
        ok = std::ferror(f->file) == 0;
        break;
      }
      ok = std::fwrite(chunk.data(), 1, n, out) == n;
    }
    std::fclose(f->file);
    f->file = nullptr;
    std::error_code ec;
    fs::remove(f->part, ec);  // free the disk space as we go
  }
  ok = ok && std::fputs("# EOF\n", out) >= 0;
  ok = ok && std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
  const int saved_errno = errno;
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) return Fail("cannot write " + tmp + ": " + std::strerror(saved_errno));
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return Fail("cannot rename " + tmp + " to " + path_ + ": " + std::strerror(errno));
  }
  finished_ = true;
  RemoveTemporaries();
  return true;
}

}  // namespace bam::exporter
