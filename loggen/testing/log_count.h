// Test helper: an independent count of a bam-loggen log, from the text alone (nlohmann::json for
// JSON lines, a small parser of its own for logfmt), to compare with the truth file. Not
// thread-safe.
#ifndef BAM_LOGGEN_TESTING_LOG_COUNT_H_
#define BAM_LOGGEN_TESTING_LOG_COUNT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bam::loggen::testing {

struct LogCount {
  uint64_t lines = 0;
  uint64_t unparsable = 0;
  std::map<std::string, uint64_t> by_log_type;
  std::map<std::string, uint64_t> by_event;
  std::map<std::string, std::map<std::string, uint64_t>> by_platform_region;
  std::map<std::string, uint64_t> by_event_platform_region;  // "event/platform/region"
  int64_t revenue_cents = 0;  // checkout_success with status completed and currency EUR
  std::string first_ts, last_ts;
};

// Called with every parsed line (logfmt lines are turned into a JSON object of strings, numbers,
// booleans).
using LineVisitor = std::function<void(const nlohmann::json&)>;

LogCount CountJsonLines(std::string_view text, const LineVisitor& visit = nullptr);
LogCount CountLogfmtLines(std::string_view text, const LineVisitor& visit = nullptr);

// Parses one logfmt line: key=value pairs, values optionally double-quoted; numbers and true/false
// typed.
nlohmann::json ParseLogfmt(std::string_view line);

// Amount (a JSON number with at most two decimals) in integer cents.
int64_t Cents(const nlohmann::json& amount);

std::string ReadFile(const std::string& path);

// Writes `dir`/stdin.yml: exporter/examples/ecommerce.yml with its `sources:` block replaced by
// one stdin source (JSON, `ts` timestamps), so a test can pipe a loggen log through
// `bam-exporter --one-shot`. Returns the path; "" when the example cannot be read.
std::string WriteEcommerceStdinConfig(const std::string& dir);

}  // namespace bam::loggen::testing

#endif  // BAM_LOGGEN_TESTING_LOG_COUNT_H_
