#include "exporter/sources/oneshot_reader.h"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <set>

namespace bam::exporter {

std::vector<std::string> ExpandGlobs(const std::vector<std::string>& patterns,
                                     std::vector<std::string>* unmatched) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const auto& pattern : patterns) {
    glob_t g{};
    int rc = glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
    std::vector<std::string> matched;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) matched.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (matched.empty() && unmatched != nullptr) unmatched->push_back(pattern);
    std::sort(matched.begin(), matched.end());
    for (auto& f : matched) {
      if (seen.insert(f).second) files.push_back(std::move(f));
    }
  }
  return files;
}

int ReadAllLines(int fd, size_t max_line_bytes, LineSink* sink) {
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  LineSplitter splitter(max_line_bytes);
  for (;;) {
    ssize_t n = read(fd, buf.get(), kChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      splitter.Finish(sink);
      return err;
    }
    if (n == 0) break;
    splitter.Feed(std::string_view(buf.get(), static_cast<size_t>(n)), sink);
  }
  splitter.Finish(sink);
  return 0;
}

int ReadFileLines(const std::string& path, size_t max_line_bytes, LineSink* sink) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  int rc = ReadAllLines(fd, max_line_bytes, sink);
  close(fd);
  return rc;
}

}  // namespace bam::exporter
