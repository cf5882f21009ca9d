#include "rulesvc/channels/teams.h"

#include <nlohmann/json.hpp>

#include "rulesvc/channels/facts.h"
#include "rulesvc/channels/transport.h"

namespace bam::rulesvc::channels {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json TextBlock(const std::string& text) {
  return {{"type", "TextBlock"}, {"text", text}, {"wrap", true}};
}

class TeamsChannel : public Channel {
 public:
  explicit TeamsChannel(TeamsConfig config) : config_(std::move(config)) {}

  DeliveryResult Deliver(const Notification& n) override {
    return PostHttp(
        {config_.url, {"Content-Type: application/json; charset=utf-8"}, RenderTeams(n), "", ""},
        config_.options);
  }
  std::string type() const override { return "teams"; }
  std::string target() const override { return RedactUrl(config_.url); }

 private:
  TeamsConfig config_;
};

}  // namespace

std::string RenderTeams(const Notification& n) {
  ordered_json body = ordered_json::array();
  ordered_json headline = TextBlock(HeadlineText(n));
  headline["size"] = "Large";
  headline["weight"] = "Bolder";
  headline["color"] = n.status == Status::kResolved ? "Good"
                      : n.severity == "critical"    ? "Attention"
                                                    : "Warning";
  body.push_back(headline);
  if (!n.summary.empty()) body.push_back(TextBlock(n.summary));
  ordered_json facts = ordered_json::array();
  for (const Fact& f : BuildFacts(n)) facts.push_back({{"title", f.label}, {"value", f.value}});
  body.push_back({{"type", "FactSet"}, {"facts", facts}});

  std::string context = n.rule_id.empty() ? n.rule_name : n.rule_id + " — " + n.rule_name;
  for (const auto& [k, v] : n.labels) context += (context.empty() ? "" : " · ") + k + "=" + v;
  if (!context.empty()) {
    ordered_json subtle = TextBlock(context);
    subtle["isSubtle"] = true;
    subtle["size"] = "Small";
    body.push_back(subtle);
  }

  ordered_json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                       {"type", "AdaptiveCard"},
                       {"version", "1.4"},
                       {"body", body}};
  ordered_json actions = ordered_json::array();
  for (const LinkButton& l : BuildLinks(n)) {
    actions.push_back({{"type", "Action.OpenUrl"}, {"title", l.label}, {"url", l.url}});
  }
  if (!actions.empty()) card["actions"] = actions;
  card["msteams"] = {{"width", "Full"}};

  ordered_json message = {
      {"type", "message"},
      {"attachments",
       ordered_json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                             {"contentUrl", nullptr},
                             {"content", card}}})}};
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<Channel> MakeTeamsChannel(TeamsConfig config, std::string* error) {
  if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0) {
    *error = "channel " + config.name + ": url must be http:// or https://";
    return nullptr;
  }
  return std::make_unique<TeamsChannel>(std::move(config));
}

}  // namespace bam::rulesvc::channels
