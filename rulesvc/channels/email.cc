#include "rulesvc/channels/email.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <ctime>

#include "common/html_escape.h"
#include "rulesvc/channels/facts.h"
#include "rulesvc/channels/transport.h"

namespace bam::rulesvc::channels {
namespace {

// Base64 text never contains "_", so this boundary can never occur inside a part.
constexpr const char* kBoundary = "=_bam_alternative_7c1f";

std::string HtmlEscape(const std::string& text) {
  return bam::HtmlEscape(text, /*newline_to_br=*/true);
}

bool IsPlainAscii(const std::string& text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string RfcDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

struct UploadState {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buf, size_t size, size_t nmemb, void* user) {
  auto* s = static_cast<UploadState*>(user);
  size_t n = std::min(size * nmemb, s->data->size() - s->offset);
  std::memcpy(buf, s->data->data() + s->offset, n);
  s->offset += n;
  return n;
}

class EmailChannel : public Channel {
 public:
  EmailChannel(EmailConfig config, std::string user, std::string password)
      : config_(std::move(config)), user_(std::move(user)), password_(std::move(password)) {}

  DeliveryResult Deliver(const Notification& n) override {
    auto now = std::chrono::system_clock::now();
    std::string id =
        "<bam." +
        std::to_string(
            std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count()) +
        "." + std::to_string(counter_.fetch_add(1)) + "@bam-rulesvc>";
    std::string message = RenderEmail(n, config_.from, config_.to, now, id);
    return Send(message);
  }
  std::string type() const override { return "email"; }
  std::string target() const override { return RedactUrl(config_.smtp); }

 private:
  DeliveryResult Send(const std::string& message) {
    EnsureCurlInitialised();
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return {false, true, 0, {}, "transport error: cannot create a curl handle"};
    CURL* c = curl.get();
    curl_slist* rcpt = nullptr;
    for (const std::string& to : config_.to)
      rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt_guard(rcpt, curl_slist_free_all);
    std::string mail_from = "<" + config_.from + ">";
    UploadState upload{&message};

    curl_easy_setopt(c, CURLOPT_URL, config_.smtp.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadUpload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(config_.options.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.options.timeout.count()));
    if (config_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!user_.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    if (rc == CURLE_OK) return DeliveryResult::Ok(static_cast<int>(reply));
    DeliveryResult r = ClassifyCurlError(rc);
    r.http_status = static_cast<int>(reply);
    if (reply >= 500) r.retryable = false;
    if (reply >= 400 && reply < 500) r.retryable = true;
    if (reply >= 400) r.error = "SMTP " + std::to_string(reply) + ": " + r.error;
    return r;
  }

  EmailConfig config_;
  std::string user_;
  std::string password_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace

std::string Base64(const std::string& data, size_t line_length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string flat;
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) flat += kAlphabet[(v >> s) & 0x3F];
  }
  if (i + 1 == data.size()) {
    uint32_t v = byte(i) << 16;
    flat += kAlphabet[(v >> 18) & 0x3F];
    flat += kAlphabet[(v >> 12) & 0x3F];
    flat += "==";
  } else if (i + 2 == data.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    flat += kAlphabet[(v >> 18) & 0x3F];
    flat += kAlphabet[(v >> 12) & 0x3F];
    flat += kAlphabet[(v >> 6) & 0x3F];
    flat += '=';
  }
  if (line_length == 0) return flat;
  std::string out;
  for (size_t p = 0; p < flat.size(); p += line_length) {
    if (p > 0) out += "\r\n";
    out += flat.substr(p, line_length);
  }
  return out;
}

std::string EncodeHeaderWord(const std::string& text) {
  if (IsPlainAscii(text)) return text;
  // 39 bytes → 52 base64 chars → a 64-char encoded-word, so even the first line ("Subject: " +
  // word) stays within 76 columns (RFC 2047 §2). Cut only before a UTF-8 lead byte.
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(start + 39, text.size());
    while (end < text.size() && end > start + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start), 0) + "?=";
    start = end;
  }
  return out;
}

std::string RenderEmailHtml(const Notification& n) {
  std::string color = n.status == Status::kResolved ? "#2e7d32"
                      : n.severity == "critical"    ? "#c62828"
                                                    : "#ef6c00";
  std::string html = "<!DOCTYPE html>\n<html lang=\"" +
                     std::string(n.locale == Locale::kFrFr ? "fr" : "en") +
                     "\">\n<head><meta charset=\"utf-8\"><title>" + HtmlEscape(n.title) +
                     "</title></head>\n<body style=\"font-family:sans-serif\">\n";
  html += "<h2 style=\"color:" + color + "\">" + HtmlEscape(HeadlineText(n)) + "</h2>\n";
  if (!n.summary.empty()) html += "<p>" + HtmlEscape(n.summary) + "</p>\n";
  html += "<table cellpadding=\"4\">\n";
  for (const Fact& f : BuildFacts(n)) {
    html += "<tr><th align=\"left\">" + HtmlEscape(f.label) + "</th><td>" + HtmlEscape(f.value) +
            "</td></tr>\n";
  }
  html += "</table>\n";
  std::vector<LinkButton> links = BuildLinks(n);
  if (!links.empty()) {
    html += "<p>";
    for (size_t i = 0; i < links.size(); ++i) {
      if (i > 0) html += " · ";
      html += "<a href=\"" + HtmlEscape(links[i].url) + "\">" + HtmlEscape(links[i].label) + "</a>";
    }
    html += "</p>\n";
  }
  std::string rule = n.rule_id.empty() ? n.rule_name : n.rule_id + " — " + n.rule_name;
  if (!rule.empty())
    html += "<p style=\"color:#666;font-size:small\">" + HtmlEscape(rule) + "</p>\n";
  return html + "</body>\n</html>\n";
}

std::string RenderEmail(const Notification& n, const std::string& from,
                        const std::vector<std::string>& to,
                        std::chrono::system_clock::time_point date, const std::string& message_id) {
  std::string to_header;
  for (const std::string& t : to) to_header += (to_header.empty() ? "" : ", ") + t;
  std::string text = PlainText(n);
  std::string m;
  m += "From: " + from + "\r\n";
  m += "To: " + to_header + "\r\n";
  m += "Subject: " + EncodeHeaderWord(HeadlineText(n)) + "\r\n";
  m += "Date: " + RfcDate(date) + "\r\n";
  m += "Message-ID: " + message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + std::string(kBoundary) + "\"\r\n";
  m += "X-BAM-Rule: " + (IsPlainAscii(n.rule_id) ? n.rule_id : std::string("-")) + "\r\n";
  m += "\r\n";
  m += "This is a multi-part message in MIME format.\r\n";
  for (const auto& [type, body] : {std::pair<std::string, std::string>{"text/plain", text},
                                   {"text/html", RenderEmailHtml(n)}}) {
    m += "\r\n--" + std::string(kBoundary) + "\r\n";
    m += "Content-Type: " + type + "; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += Base64(body, 76) + "\r\n";
  }
  m += "\r\n--" + std::string(kBoundary) + "--\r\n";
  return m;
}

std::unique_ptr<Channel> MakeEmailChannel(EmailConfig config, std::string* error) {
  std::string prefix = "channel " + config.name + ": ";
  if (config.smtp.rfind("smtp://", 0) != 0 && config.smtp.rfind("smtps://", 0) != 0) {
    *error = prefix + "smtp must be smtp:// or smtps://";
    return nullptr;
  }
  if (config.from.empty() || config.to.empty()) {
    *error = prefix + "from and at least one `to` are required";
    return nullptr;
  }
  if (config.username_file.empty() != config.password_file.empty()) {
    *error = prefix + "username_file and password_file go together";
    return nullptr;
  }
  std::string user = config.username, password = config.password, why;
  if (config.username_file.empty() && user.empty() != password.empty()) {
    *error = prefix + "username and password go together";
    return nullptr;
  }
  if (!config.username_file.empty() && (!ReadSecretFile(config.username_file, &user, &why) ||
                                        !ReadSecretFile(config.password_file, &password, &why))) {
    *error = prefix + why;
    return nullptr;
  }
  return std::make_unique<EmailChannel>(std::move(config), std::move(user), std::move(password));
}

}  // namespace bam::rulesvc::channels
