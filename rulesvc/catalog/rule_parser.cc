// `rules:` — each rule with its conditions (`when` + `severity`, or `when` per severity), labels,
// actions and message.
#include <algorithm>
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc::catalog_internal {
namespace {

const std::vector<std::string> kRuleFields = {"id",          "name",   "description", "when",
                                              "severity",    "labels", "actions",     "message",
                                              "runbook_url", "enabled"};
const IdKind kRuleId = {"rule", '-', "conversion-critical"};
const std::vector<std::string> kSeverities = {"info", "warning", "critical"};
// Set by the compiler on every alert.
const std::vector<std::string> kReservedLabels = {"bam_rule_id", "bam_kpi", "severity"};

class RuleParser {
 public:
  RuleParser(YamlReader* r, Catalog* catalog) : r_(r), catalog_(catalog) {}

  void Parse(const Field& item) {
    MapFields fields(r_, item, &kRuleFields);
    if (!fields.ok()) return;
    Rule rule;
    rule.file = r_->file();
    rule.pos = item.pos;
    rule.path = item.path;
    std::optional<std::string> id =
        ReadId(r_, item, fields.Get("id"), kRuleId, [&](const std::string& i) {
          for (const Rule& first : catalog_->rules) {
            if (first.id == i) return std::optional<std::string>(Where(first.file, first.pos));
          }
          return std::optional<std::string>();
        });
    if (id) rule.id = *id;
    if (const Field* f = fields.Get("name")) rule.name = r_->String(*f, false).value_or("");
    if (rule.name.empty()) rule.name = rule.id;
    if (const Field* f = fields.Get("description")) rule.description = r_->String(*f).value_or("");
    ParseConditions(item, fields.Get("when"), fields.Get("severity"), &rule);
    if (const Field* f = fields.Get("labels")) ParseLabels(*f, &rule);
    if (const Field* f = fields.Get("actions")) ParseActions(*f, &rule);
    if (const Field* f = fields.Get("message")) {
      if (auto t = ReadText(r_, *f, true)) rule.message = std::move(*t);
    }
    if (const Field* f = fields.Get("runbook_url")) rule.runbook_url = r_->String(*f).value_or("");
    if (const Field* f = fields.Get("enabled")) rule.enabled = r_->Bool(*f).value_or(true);
    if (id) catalog_->rules.push_back(std::move(rule));
  }

 private:
  void ParseConditions(const Field& item, const Field* when, const Field* severity, Rule* rule) {
    if (when == nullptr) {
      r_->Error(item, "missing required field \"when\"",
                "when: \"checkout_success_rate < 90 for 30m\"");
      if (severity != nullptr) r_->Enum(*severity, "severity", kSeverities);
      return;
    }
    if (when->node.IsMap()) {
      if (severity != nullptr) {
        r_->Error(severity->key_pos, severity->path,
                  "\"severity\" cannot be used when \"when\" is a mapping of severities",
                  "removing \"severity\"; the keys of \"when\" give it");
      }
      MapFields by_severity(r_, *when, &kSeverities);
      for (const auto& [name, f] : by_severity.all()) {
        if (auto t = ReadText(r_, f, false)) rule->conditions.push_back({name, std::move(*t)});
      }
      if (when->node.size() == 0) {
        r_->Error(*when, "no condition given",
                  "when: {warning: \"K < 95 for 10m\", critical: \"K < 90 for 10m\"}");
      }
      return;
    }
    std::string level = "warning";
    if (severity != nullptr) {
      if (auto s = r_->Enum(*severity, "severity", kSeverities)) level = kSeverities[*s];
    }
    if (when->node.IsSequence()) {
      r_->Error(*when, "expected a condition or a mapping of severities, found a list",
                "when: {warning: \"...\", critical: \"...\"}, or conditions joined with AND / OR");
      return;
    }
    if (auto t = ReadText(r_, *when, false)) rule->conditions.push_back({level, std::move(*t)});
  }

  void ParseLabels(const Field& f, Rule* rule) {
    MapFields labels(r_, f, nullptr);
    for (const auto& [name, value] : labels.all()) {
      if (std::find(kReservedLabels.begin(), kReservedLabels.end(), name) !=
          kReservedLabels.end()) {
        r_->Error(value.key_pos, value.path, "label \"" + name + "\" is reserved",
                  name == "severity"
                      ? "\"severity:\" on the rule, or \"when: {critical: ...}\""
                      : "another name; " + JoinNames(kReservedLabels) + " are set on every alert");
        continue;
      }
      if (!CheckLabel(r_, value.key_pos, value.path, name)) continue;
      if (auto v = r_->String(value)) rule->labels[name] = *v;
    }
  }

  void ParseActions(const Field& f, Rule* rule) {
    std::optional<std::vector<Field>> items = r_->List(f);
    if (!items) return;
    for (const Field& item : *items) {
      if (auto a = r_->String(item, false)) rule->actions.push_back(*a);
    }
  }

  YamlReader* r_;
  Catalog* catalog_;
};

}  // namespace

void ParseRules(YamlReader* r, const Field& list, Catalog* catalog) {
  std::optional<std::vector<Field>> items = r->List(list);
  if (!items) return;
  RuleParser parser(r, catalog);
  for (const Field& item : *items) parser.Parse(item);
}

}  // namespace bam::rulesvc::catalog_internal
