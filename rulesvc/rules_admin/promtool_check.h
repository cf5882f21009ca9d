// Why did Prometheus refuse a rule file? Its /-/reload answer only says "failed to reload config"
// (the reason goes to its log), so after a refusal the rules API asks Prometheus's own rule-file
// parser, through `promtool check rules`, and reports what it says. Stateless; thread-safe.
#ifndef BAM_RULESVC_RULES_ADMIN_PROMTOOL_CHECK_H_
#define BAM_RULESVC_RULES_ADMIN_PROMTOOL_CHECK_H_

#include <string>

namespace bam::rulesvc::rules_admin {

// Writes `rules_text` to `scratch_path`, runs `<promtool> check rules <scratch_path>`, removes the
// file and returns promtool's problem lines (with the scratch path replaced by `shown_as`), or ""
// when promtool is empty, missing, or finds nothing wrong.
std::string PromtoolProblems(const std::string& promtool, const std::string& rules_text,
                             const std::string& scratch_path, const std::string& shown_as);

}  // namespace bam::rulesvc::rules_admin

#endif  // BAM_RULESVC_RULES_ADMIN_PROMTOOL_CHECK_H_
