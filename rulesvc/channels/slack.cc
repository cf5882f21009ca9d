#include "rulesvc/channels/slack.h"

#include <nlohmann/json.hpp>

#include "rulesvc/channels/facts.h"
#include "rulesvc/channels/transport.h"

namespace bam::rulesvc::channels {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json PlainText(const std::string& text, size_t max_chars) {
  return {{"type", "plain_text"}, {"text", Truncate(text, max_chars)}, {"emoji", true}};
}

ordered_json Mrkdwn(const std::string& text, size_t max_chars) {
  return {{"type", "mrkdwn"}, {"text", Truncate(SlackEscape(text), max_chars)}};
}

class SlackChannel : public Channel {
 public:
  explicit SlackChannel(SlackConfig config) : config_(std::move(config)) {}

  DeliveryResult Deliver(const Notification& n) override {
    return PostHttp(
        {config_.url, {"Content-Type: application/json; charset=utf-8"}, RenderSlack(n), "", ""},
        config_.options);
  }
  std::string type() const override { return "slack"; }
  std::string target() const override { return RedactUrl(config_.url); }

 private:
  SlackConfig config_;
};

}  // namespace

std::string SlackEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderSlack(const Notification& n) {
  ordered_json blocks = ordered_json::array();
  blocks.push_back({{"type", "header"}, {"text", PlainText(HeadlineText(n), 150)}});

  ordered_json section = {{"type", "section"}};
  if (!n.summary.empty()) section["text"] = Mrkdwn(n.summary, 3000);
  ordered_json fields = ordered_json::array();
  for (const Fact& f : BuildFacts(n)) {
    if (fields.size() == 10) break;  // Slack's limit per section
    fields.push_back(Mrkdwn("*" + f.label + "*\n" + f.value, 2000));
  }
  section["fields"] = fields;
  blocks.push_back(section);

  ordered_json context = ordered_json::array();
  std::string rule = n.rule_id.empty() ? n.rule_name : "`" + n.rule_id + "` " + n.rule_name;
  if (!rule.empty()) context.push_back(Mrkdwn(rule, 2000));
  if (!n.labels.empty()) {
    std::string labels;
    for (const auto& [k, v] : n.labels) labels += (labels.empty() ? "" : ", ") + k + "=" + v;
    context.push_back(Mrkdwn(labels, 2000));
  }
  if (!context.empty()) blocks.push_back({{"type", "context"}, {"elements", context}});

  ordered_json buttons = ordered_json::array();
  for (const LinkButton& l : BuildLinks(n)) {
    buttons.push_back({{"type", "button"},
                       {"text", PlainText(l.label, 75)},
                       {"url", l.url},
                       {"action_id", "bam_link_" + std::to_string(buttons.size())}});
  }
  if (!buttons.empty()) blocks.push_back({{"type", "actions"}, {"elements", buttons}});

  ordered_json body = {{"text", SlackEscape(HeadlineText(n))}, {"blocks", blocks}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<Channel> MakeSlackChannel(SlackConfig config, std::string* error) {
  if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0) {
    *error = "channel " + config.name + ": url must be http:// or https://";
    return nullptr;
  }
  return std::make_unique<SlackChannel>(std::move(config));
}

}  // namespace bam::rulesvc::channels
