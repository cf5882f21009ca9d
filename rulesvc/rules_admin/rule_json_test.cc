// JSON body -> shape check -> overlay text -> catalog loader -> JSON: the round trip the rules API
// relies on to keep API rules in a catalog file.
#include "rulesvc/rules_admin/rule_json.h"

#include <gtest/gtest.h>

namespace bam::rulesvc::rules_admin {
namespace {

using nlohmann::json;

Catalog LoadOverlay(const std::string& text, DiagnosticList* diags) {
  Catalog cat;
  EXPECT_TRUE(ParseCatalog("api-rules.yml", text, &cat, diags)) << diags->Format() << text;
  return cat;
}

TEST(RuleJsonTest, RoundTripsThroughTheOverlay) {
  json body = json::parse(R"({
    "id": "conversion-low", "name": "Conversion \"basse\" — web", "description": "line 1\nline 2",
    "when": "checkout_success_rate < 90% for 10m", "severity": "critical",
    "labels": {"team": "checkout", "tier": "1"}, "actions": ["slack_ops", "email_ops"],
    "message": "🚨 {{checkout_success_rate}}% ({{platform}}) 'q' \\ back", "runbook_url": "https://wiki/x?a=1&b=2",
    "enabled": false})");
  std::vector<FieldError> errors;
  json rule = RuleFromJson(body, &errors);
  ASSERT_TRUE(errors.empty());
  json other = RuleFromJson(
      json::parse(
          R"({"id": "errors", "when": {"warning": "e > 20 over 1h", "critical": "e > 50 over 1h"}})"),
      &errors);
  ASSERT_TRUE(errors.empty());

  std::string text = OverlayText({rule, other});
  DiagnosticList diags;
  Catalog cat = LoadOverlay(text, &diags);
  ASSERT_EQ(cat.rules.size(), 2u);
  EXPECT_EQ(cat.rules[0].pos.line, OverlayLine(0));
  EXPECT_EQ(cat.rules[1].pos.line, OverlayLine(1));
  EXPECT_EQ(cat.rules[0].name, "Conversion \"basse\" — web");
  EXPECT_EQ(cat.rules[0].description, "line 1\nline 2");
  EXPECT_EQ(cat.rules[0].message.text, "🚨 {{checkout_success_rate}}% ({{platform}}) 'q' \\ back");
  EXPECT_FALSE(cat.rules[0].enabled);
  EXPECT_EQ(RuleToJson(cat.rules[0]), rule);
  EXPECT_EQ(RuleToJson(cat.rules[1]), other);
  // And again: the text is stable.
  EXPECT_EQ(OverlayText({RuleToJson(cat.rules[0]), RuleToJson(cat.rules[1])}), text);
}

TEST(RuleJsonTest, EmptyOverlayLoads) {
  DiagnosticList diags;
  Catalog cat = LoadOverlay(OverlayText({}), &diags);
  EXPECT_TRUE(cat.rules.empty());
}

TEST(RuleJsonTest, WhenColumnsPointIntoTheRuleLine) {
  json rule = {{"id", "a"}, {"when", "x \"quoted\" < 3"}};
  DiagnosticList diags;
  Catalog cat = LoadOverlay(OverlayText({rule}), &diags);
  ASSERT_EQ(cat.rules.size(), 1u);
  const TextAt& when = cat.rules[0].conditions[0].when;
  EXPECT_EQ(when.text, "x \"quoted\" < 3");
  // "<" is byte 11 of the text; in the file it comes after two escapes.
  Position p = when.At(11);
  std::string line = "  - " + rule.dump();
  EXPECT_EQ(p.line, OverlayLine(0));
  EXPECT_EQ(line.substr(static_cast<size_t>(p.column - 1), 1), "<");
}

TEST(RuleJsonTest, ReportsEveryShapeProblemWithItsPath) {
  std::vector<FieldError> errors;
  json rule =
      RuleFromJson(json::parse(R"({"id": 3, "wen": "x", "when": {"critcal": "a", "warning": 1},
      "labels": {"team": 1}, "actions": "slack", "enabled": "yes", "source": "api"})"),
                   &errors);
  EXPECT_TRUE(rule.is_null());
  std::vector<std::string> got;
  for (const auto& e : errors) got.push_back(e.path + ": " + e.message + " | " + e.hint);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "wen: unknown field \"wen\" | \"when\"",
                     "id: expected a string, found a number | \"text\"",
                     "when.critcal: unknown key \"critcal\" | \"critical\"",
                     "when.warning: expected a string, found a number | "
                     "{\"warning\": \"K < 95 for 10m\", \"critical\": \"K < 90 for 10m\"}",
                     "labels.team: expected a string, found a number | {\"team\": \"checkout\"}",
                     "actions: expected an array of channel names, found a string | "
                     "[\"slack_ops\", \"email_ops\"]",
                     "enabled: expected true or false, found a string | \"enabled\": false",
                 }));
}

TEST(RuleJsonTest, RefusesANonObject) {
  std::vector<FieldError> errors;
  EXPECT_TRUE(RuleFromJson(json::array(), &errors).is_null());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "expected a JSON object with the rule's fields, found an array");
}

}  // namespace
}  // namespace bam::rulesvc::rules_admin
