#include "rulesvc/channels/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "rulesvc/channels/transport.h"

namespace bam::rulesvc::channels {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json OrNull(const std::string& s) { return s.empty() ? ordered_json() : ordered_json(s); }

template <typename T>
ordered_json OrNull(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json();
}

class WebhookChannel : public Channel {
 public:
  WebhookChannel(WebhookConfig config, std::string secret)
      : config_(std::move(config)), secret_(std::move(secret)) {}

  DeliveryResult Deliver(const Notification& n) override {
    HttpPost post{
        config_.url, {"Content-Type: application/json; charset=utf-8"}, RenderWebhook(n), "", ""};
    if (!secret_.empty()) {
      post.headers.push_back("X-BAM-Signature: " + WebhookSignature(secret_, post.body));
    }
    return PostHttp(post, config_.options);
  }
  std::string type() const override { return "webhook"; }
  std::string target() const override { return RedactUrl(config_.url); }

 private:
  WebhookConfig config_;
  std::string secret_;
};

}  // namespace

std::string RenderWebhook(const Notification& n) {
  const Impact& im = n.impact;
  ordered_json impact;  // null
  if (!im.empty()) {
    impact = {{"revenue_lost_per_hour", OrNull(im.revenue_lost_per_hour)},
              {"revenue_lost_since_start", OrNull(im.revenue_lost_since_start)},
              {"orders_affected", OrNull(im.orders_affected)},
              {"customers_affected", OrNull(im.customers_affected)},
              {"baseline", OrNull(im.baseline)}};
  }
  ordered_json labels = ordered_json::object();
  for (const auto& [k, v] : n.labels) labels[k] = v;
  ordered_json body = {
      {"version", 1},
      {"status", n.status == Status::kFiring ? "firing" : "resolved"},
      {"severity", n.severity},
      {"rule", {{"id", n.rule_id}, {"name", n.rule_name}}},
      {"title", n.title},
      {"summary", n.summary},
      {"kpi", {{"name", n.kpi_name}, {"value", n.kpi_value}}},
      {"labels", labels},
      {"impact", impact},
      {"links",
       {{"dashboard", OrNull(n.links.dashboard)},
        {"logs", OrNull(n.links.logs)},
        {"runbook", OrNull(n.links.runbook)}}},
      {"starts_at", FormatTimestamp(n.starts_at)},
      {"ends_at", n.ends_at ? ordered_json(FormatTimestamp(*n.ends_at)) : ordered_json()},
      {"locale", n.locale == Locale::kFrFr ? "fr-FR" : "en-US"},
      {"currency", n.currency}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string WebhookSignature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xF];
  }
  return out;
}

std::unique_ptr<Channel> MakeWebhookChannel(WebhookConfig config, std::string* error) {
  if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0) {
    *error = "channel " + config.name + ": url must be http:// or https://";
    return nullptr;
  }
  std::string secret = config.secret;
  if (!config.secret_file.empty()) {
    std::string why;
    if (!ReadSecretFile(config.secret_file, &secret, &why)) {
      *error = "channel " + config.name + ": " + why;
      return nullptr;
    }
  }
  return std::make_unique<WebhookChannel>(std::move(config), std::move(secret));
}

}  // namespace bam::rulesvc::channels
