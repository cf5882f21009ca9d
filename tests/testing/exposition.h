// Test helper: read back a Prometheus text exposition (and mtail's .golden files) to check values
// independently of how they were printed.
#ifndef BAM_TESTS_TESTING_EXPOSITION_H_
#define BAM_TESTS_TESTING_EXPOSITION_H_

#include <map>
#include <string>
#include <vector>

namespace bam::testing {

using LabelMap = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  LabelMap labels;
  double value = 0;
};

class ParsedExposition {
 public:
  // Parses sample lines (comments skipped). Label values may contain escaped quotes.
  static ParsedExposition Parse(const std::string& text);

  // `series` as written in the exposition, e.g. `x_total{a="1",b="2"}` (any label order) or `x`.
  bool Find(const std::string& series, double* value) const;
  bool FindLabels(const std::string& name, const LabelMap& labels, double* value) const;
  // Sum over every series of `name`.
  bool Sum(const std::string& name, double* value) const;

  const std::vector<Sample>& samples() const { return samples_; }

 private:
  std::vector<Sample> samples_;
};

// Parses one series text `name{a="1"}` into name and labels. Returns false if malformed.
bool ParseSeries(const std::string& text, std::string* name, LabelMap* labels);

// Parses mtail's golden format: `counter NAME {k=v,k=v} VALUE TIMESTAMP`.
std::vector<Sample> ParseMtailGolden(const std::string& text);

}  // namespace bam::testing

#endif  // BAM_TESTS_TESTING_EXPOSITION_H_
