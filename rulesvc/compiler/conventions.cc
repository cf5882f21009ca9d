#include "rulesvc/compiler/conventions.h"

#include <cctype>

namespace bam::rulesvc::conventions {

std::string PromDuration(int64_t ms) {
  if (ms <= 0) return "0s";
  static constexpr struct {
    int64_t ms;
    const char* unit;
  } kUnits[] = {{604800000, "w"}, {86400000, "d"}, {3600000, "h"},
                {60000, "m"},     {1000, "s"},     {1, "ms"}};
  std::string out;
  for (const auto& u : kUnits) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms) + u.unit;
      ms %= u.ms;
    }
  }
  return out;
}

std::string RecordName(std::string_view kpi_id, std::string_view form, int64_t window_ms,
                       const std::vector<std::string>& extra_by) {
  std::string name = "bam:";
  name += kpi_id;
  if (!extra_by.empty()) {
    name += "_by";
    for (const auto& l : extra_by) name += "_" + l;
  }
  name += ":";
  name += form;
  if (window_ms > 0) name += PromDuration(window_ms);
  return name;
}

std::string RuleGroupName(std::string_view rule_id) { return "bam-rules-" + std::string(rule_id); }

std::string AlertName(std::string_view rule_id) {
  std::string name = "Bam";
  bool upper = true;
  for (char c : rule_id) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

}  // namespace bam::rulesvc::conventions
