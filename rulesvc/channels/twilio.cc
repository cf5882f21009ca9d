#include "rulesvc/channels/twilio.h"

#include <cctype>

#include "rulesvc/channels/facts.h"
#include "rulesvc/channels/transport.h"

namespace bam::rulesvc::channels {
namespace {

std::string FormEscape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

class TwilioChannel : public Channel {
 public:
  TwilioChannel(TwilioConfig config, std::string token)
      : config_(std::move(config)), token_(std::move(token)) {
    std::string base = config_.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    endpoint_ = base + "/2010-04-01/Accounts/" + FormEscape(config_.account_sid) + "/Messages.json";
  }

  DeliveryResult Deliver(const Notification& n) override {
    std::string text = RenderSmsText(n);
    DeliveryResult first_failure;
    bool failed = false, any_retryable = false;
    int last_status = 0;
    for (const std::string& to : config_.to) {
      DeliveryResult r = PostHttp({endpoint_,
                                   {"Content-Type: application/x-www-form-urlencoded"},
                                   RenderTwilioForm(to, config_.from, text),
                                   config_.account_sid,
                                   token_},
                                  config_.options);
      last_status = r.http_status;
      if (r.ok) continue;
      any_retryable = any_retryable || r.retryable;
      if (!failed) first_failure = r;
      failed = true;
    }
    if (!failed) return DeliveryResult::Ok(last_status);
    first_failure.retryable = any_retryable;
    return first_failure;
  }
  std::string type() const override { return "twilio"; }
  std::string target() const override { return RedactUrl(config_.url); }

 private:
  TwilioConfig config_;
  std::string token_;
  std::string endpoint_;
};

}  // namespace

std::string RenderSmsText(const Notification& n) {
  std::string text = HeadlineText(n);
  if (!n.summary.empty()) text += "\n" + n.summary;
  for (const Fact& f : BuildFacts(n)) {
    if (f.kind == FactKind::kKpi || f.kind == FactKind::kImpact) {
      text += "\n" + f.label + ": " + f.value;
    }
  }
  if (!n.links.dashboard.empty()) text += "\n" + n.links.dashboard;
  return Truncate(AsciiSpaces(text), kTwilioMaxBodyChars);
}

std::string RenderTwilioForm(const std::string& to, const std::string& from,
                             const std::string& body) {
  return "To=" + FormEscape(to) + "&From=" + FormEscape(from) + "&Body=" + FormEscape(body);
}

std::unique_ptr<Channel> MakeTwilioChannel(TwilioConfig config, std::string* error) {
  std::string prefix = "channel " + config.name + ": ";
  if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0) {
    *error = prefix + "url must be http:// or https://";
    return nullptr;
  }
  if (config.account_sid.empty() || config.from.empty() || config.to.empty()) {
    *error = prefix + "account_sid, from and at least one `to` are required";
    return nullptr;
  }
  std::string token = config.auth_token, why;
  if (token.empty() && !ReadSecretFile(config.auth_token_file, &token, &why)) {
    *error = prefix + why;
    return nullptr;
  }
  return std::make_unique<TwilioChannel>(std::move(config), std::move(token));
}

}  // namespace bam::rulesvc::channels
