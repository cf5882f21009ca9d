// RuleFile: the compiler's output as structured rules, before any YAML exists (sloth's habit: spec
// -> rule objects -> YAML last). The writers in rule_writer.h serialise it. Value types.
#ifndef BAM_RULESVC_COMPILER_RULE_MODEL_H_
#define BAM_RULESVC_COMPILER_RULE_MODEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bam::rulesvc {

struct RecordingRule {
  std::string record;
  std::string expr;
  std::map<std::string, std::string> labels;
};

struct AlertingRule {
  std::string alert;
  std::string expr;
  int64_t for_ms = 0;  // 0: no `for`
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

struct RuleGroup {
  std::string name;
  int64_t interval_ms = 0;  // 0: Prometheus's global evaluation_interval
  std::vector<RecordingRule> records;
  std::vector<AlertingRule> alerts;
};

struct RuleFile {
  std::vector<RuleGroup> groups;
};

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_COMPILER_RULE_MODEL_H_
