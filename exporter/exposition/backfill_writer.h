// BackfillWriter: snapshots of a registry at successive times, written as one OpenMetrics file that
// `promtool tsdb create-blocks-from openmetrics` accepts (--backfill).
//
// OpenMetrics wants the samples of a family together, but snapshots come in time order, every
// family at once. So each family's samples go to its own part file in a temporary directory beside
// the output (not memory: 30 days of snapshots can be gigabytes), and Finish() concatenates the
// parts, in the order the families were first seen, into PATH.tmp, appends `# EOF`, and renames it
// to PATH. Until then PATH is untouched; on failure or destruction without Finish() every
// temporary file is removed, so a failed run leaves no partial output. Disk use at the end is twice
// the output's size for a moment.
//
// Within a family, series are interleaved (one snapshot after another), each in time order, which
// promtool accepts. A counter or histogram series that appears in a snapshot after the first also
// gets a sample at 0 at the previous snapshot's time: it was 0 then (it had not been counted yet),
// and without that sample Prometheus' increase() and rate() would extrapolate its first value
// backwards instead of counting it from 0.
//
// Not thread-safe.
#ifndef BAM_EXPORTER_EXPOSITION_BACKFILL_WRITER_H_
#define BAM_EXPORTER_EXPOSITION_BACKFILL_WRITER_H_

#include <prometheus/metric_family.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace bam::exporter {

class BackfillWriter {
 public:
  // Creates the temporary part directory beside `path`. Returns nullptr and sets *error if it
  // cannot.
  static std::unique_ptr<BackfillWriter> Create(const std::string& path, std::string* error);
  ~BackfillWriter();  // removes the temporary files (and PATH.tmp) unless Finish() succeeded
  BackfillWriter(const BackfillWriter&) = delete;
  BackfillWriter& operator=(const BackfillWriter&) = delete;

  // Appends every series of `families` stamped `timestamp_ms` (Unix ms).
  // REQUIRES: timestamp_ms greater than the previous call's. Returns false (and error() says why)
  // on a write error; every later call then fails too.
  bool Write(const std::vector<prometheus::MetricFamily>& families, int64_t timestamp_ms);

  // Writes PATH.tmp from the parts, renames it to PATH and removes the parts. Returns false (and
  // error() says why) on failure; PATH is then unchanged.
  bool Finish();

  const std::string& error() const { return error_; }
  uint64_t samples() const { return samples_; }  // sample lines written so far

 private:
  struct Family {
    std::string header;  // HELP and TYPE lines
    std::string part;    // path of the part file
    std::FILE* file = nullptr;
    std::unordered_set<std::string> series;  // label sets seen, as OpenMetricsLabels
  };
  explicit BackfillWriter(std::string path);
  bool Fail(const std::string& what);
  void RemoveTemporaries();

  const std::string path_;
  std::string dir_;                                // temporary part directory
  std::vector<std::unique_ptr<Family>> families_;  // first-seen order
  std::unordered_map<std::string, Family*> by_name_;
  std::string buffer_;
  int64_t last_ms_ = 0;
  bool has_last_ = false;
  bool finished_ = false;
  std::string error_;
  uint64_t samples_ = 0;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPOSITION_BACKFILL_WRITER_H_
