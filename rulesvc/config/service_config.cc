#include "rulesvc/config/service_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/read_file.h"
#include "common/yaml_reader.h"

namespace bam::rulesvc {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTopLevel = {
    "prometheus", "state_dir", "catalogs", "rules_out", "currency", "locale", "links",
    "receiver",   "channels",  "routing",  "outbox",    "auth",     "tls"};
const std::vector<std::string> kChannelTypes = {"slack", "teams", "email", "webhook", "twilio"};
const std::vector<std::string> kSeverities = {"info", "warning", "critical"};
const std::vector<std::string> kRoles = {"analyst", "ops", "direction", "admin"};

std::string Resolve(const std::string& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute() || dir.empty()) return p;
  return (fs::path(dir) / p).lexically_normal().string();
}

class Loader {
 public:
  Loader(const std::string& file, std::string_view text, const std::string& dir,
         DiagnosticList* diags)
      : r_(file, text, diags), dir_(dir) {}

  void Run(ServiceConfig* c);

 private:
  std::string Str(const MapFields& m, std::string_view key, const std::string& fallback = "") {
    const Field* f = m.Get(key);
    if (f == nullptr || f->node.IsNull()) return fallback;
    return r_.String(*f).value_or(fallback);
  }
  int64_t Duration(const MapFields& m, std::string_view key, int64_t fallback) {
    const Field* f = m.Get(key);
    if (f == nullptr) return fallback;
    return r_.PositiveDuration(*f).value_or(fallback);
  }
  // An http(s) URL; reports anything else.
  std::string Url(const MapFields& m, std::string_view key, const Field& owner, bool required,
                  const std::vector<std::string>& schemes = {"http://", "https://"});
  // `<key>_file` (resolved, read, trailing newline dropped) or `<key>_env`. Never echoes the value.
  std::string Secret(const MapFields& m, const std::string& key);
  std::vector<std::string> Names(const Field& f);
  void Channel(const std::string& name, const Field& f, ServiceConfig* c);
  void Routing(const Field& f, ServiceConfig* c);
  void Auth(const Field& f, ServiceConfig* c);

  YamlReader r_;
  std::string dir_;
  std::vector<std::string> declared_channels_;  // every name under channels:, valid or not
};

std::string Loader::Url(const MapFields& m, std::string_view key, const Field& owner, bool required,
                        const std::vector<std::string>& schemes) {
  const Field* f = m.Get(key);
  if (f == nullptr || f->node.IsNull()) {
    if (required) {
      r_.Error(owner, "missing \"" + std::string(key) + "\"",
               std::string(key) + ": \"" + schemes[0] + "...\"");
    }
    return "";
  }
  std::string u = r_.String(*f).value_or("");
  for (const auto& s : schemes) {
    if (u.rfind(s, 0) == 0 && u.size() > s.size()) return u;
  }
  r_.Error(*f, "expected a URL starting with " + JoinNames(schemes) + ", found \"" + u + "\"",
           std::string(key) + ": \"" + schemes[0] + "127.0.0.1:8080/...\"");
  return "";
}

std::string Loader::Secret(const MapFields& m, const std::string& key) {
  const Field* file = m.Get(key + "_file");
  const Field* env = m.Get(key + "_env");
  if (file != nullptr && env != nullptr && !file->node.IsNull() && !env->node.IsNull()) {
    r_.Error(*env, "both " + key + "_file and " + key + "_env are set", "keeping one of them");
    return "";
  }
  if (file != nullptr && !file->node.IsNull()) {
    std::string path = Resolve(dir_, r_.String(*file).value_or(""));
    std::string content, error;
    if (!ReadFile(path, &content, &error)) {
      // `error` may quote the path but never the content.
      r_.Error(*file, "cannot read secret file \"" + path + "\": " + error,
               "creating it (mode 0600) or fixing the path");
      return "";
    }
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
      content.pop_back();
    }
    if (content.empty()) r_.Error(*file, "secret file \"" + path + "\" is empty");
    return content;
  }
  if (env != nullptr && !env->node.IsNull()) {
    std::string var = r_.String(*env).value_or("");
    const char* v = std::getenv(var.c_str());
    if (v == nullptr || *v == '\0') {
      r_.Error(*env, "environment variable " + var + " is not set", "export " + var + "=...");
      return "";
    }
    return v;
  }
  return "";
}

std::vector<std::string> Loader::Names(const Field& f) {
  std::vector<std::string> out;
  auto items = r_.List(f);
  if (!items) return out;
  for (const auto& item : *items) {
    if (auto s = r_.String(item, /*allow_empty=*/false)) out.push_back(*s);
  }
  return out;
}

void Loader::Channel(const std::string& name, const Field& f, ServiceConfig* c) {
  static const std::vector<std::string> kKeys = {"type",
                                                 "url",
                                                 "smtp",
                                                 "from",
                                                 "to",
                                                 "username_file",
                                                 "username_env",
                                                 "password_file",
                                                 "password_env",
                                                 "starttls",
                                                 "secret_file",
                                                 "secret_env",
                                                 "account_sid",
                                                 "auth_token_file",
                                                 "auth_token_env",
                                                 "timeout"};
  MapFields m(&r_, f, &kKeys);
  if (!m.ok()) return;
  ChannelConfig ch;
  ch.name = name;
  ch.pos = f.key_pos;
  ch.path = f.path;
  const Field* type = m.Get("type");
  if (type == nullptr) {
    r_.Error(f, "channel " + name + " has no type", "type: " + JoinNames(kChannelTypes));
    return;
  }
  auto t = r_.Enum(*type, "channel type", kChannelTypes);
  if (!t) return;
  ch.type = static_cast<ChannelType>(*t);
  ch.timeout_ms = Duration(m, "timeout", ch.timeout_ms);
  switch (ch.type) {
    case ChannelType::kSlack:
    case ChannelType::kTeams:
    case ChannelType::kWebhook:
      ch.url = Url(m, "url", f, /*required=*/true);
      if (ch.type == ChannelType::kWebhook) ch.secret = Secret(m, "secret");
      break;
    case ChannelType::kEmail: {
      ch.smtp = Url(m, "smtp", f, /*required=*/true, {"smtp://", "smtps://"});
      ch.from = Str(m, "from");
      if (ch.from.find('@') == std::string::npos) {
        r_.Error(m.Get("from") ? *m.Get("from") : f, "an e-mail channel needs a from address",
                 "from: \"bam@shop.example\"");
      }
      if (const Field* to = m.Get("to")) ch.to = Names(*to);
      if (ch.to.empty())
        r_.Error(f, "an e-mail channel needs at least one recipient", "to: [ops@shop.example]");
      ch.username = Secret(m, "username");
      ch.password = Secret(m, "password");
      if (const Field* s = m.Get("starttls")) ch.starttls = r_.Bool(*s).value_or(false);
      break;
    }
    case ChannelType::kTwilio:
      ch.url = Url(m, "url", f, /*required=*/false);
      if (ch.url.empty()) ch.url = "https://api.twilio.com";
      ch.account_sid = Str(m, "account_sid");
      if (ch.account_sid.empty())
        r_.Error(f, "a twilio channel needs account_sid", "account_sid: AC...");
      ch.auth_token = Secret(m, "auth_token");
      if (ch.auth_token.empty() && m.Get("auth_token_file") == nullptr &&
          m.Get("auth_token_env") == nullptr) {
        r_.Error(f, "a twilio channel needs its auth token", "auth_token_file: twilio-token");
      }
      ch.from = Str(m, "from");
      if (ch.from.empty())
        r_.Error(f, "a twilio channel needs a from number", "from: \"+33100000000\"");
      if (const Field* to = m.Get("to")) ch.to = Names(*to);
      if (ch.to.empty())
        r_.Error(f, "a twilio channel needs at least one recipient", "to: [\"+33600000000\"]");
      break;
  }
  c->channels.push_back(std::move(ch));
}

void Loader::Routing(const Field& f, ServiceConfig* c) {
  static const std::vector<std::string> kKeys = {"default", "by_severity"};
  MapFields m(&r_, f, &kKeys);
  const std::vector<std::string>& names = declared_channels_;
  auto check = [&](const Field& list) {
    std::vector<std::string> out;
    auto items = r_.List(list);
    if (!items) return out;
    for (const auto& item : *items) {
      auto s = r_.String(item, false);
      if (!s) continue;
      // A channel with its own error was reported already; only unknown names are new errors.
      if (std::find(names.begin(), names.end(), *s) == names.end()) {
        r_.Error(item, "unknown channel \"" + *s + "\"", DidYouMean(*s, names));
        continue;
      }
      out.push_back(*s);
    }
    return out;
  };
  if (const Field* d = m.Get("default")) c->default_route = check(*d);
  if (const Field* bs = m.Get("by_severity")) {
    MapFields sev(&r_, *bs, &kSeverities);
    for (const auto& [key, value] : sev.all()) c->by_severity[key] = check(value);
  }
}

void Loader::Auth(const Field& f, ServiceConfig* c) {
  static const std::vector<std::string> kKeys = {"hs256_secret_file", "hs256_secret_env", "oidc",
                                                 "roles_claim", "role_map"};
  MapFields m(&r_, f, &kKeys);
  c->jwt_hs256_secret = Secret(m, "hs256_secret");
  c->roles_claim = Str(m, "roles_claim", c->roles_claim);
  if (const Field* o = m.Get("oidc")) {
    static const std::vector<std::string> kOidc = {"issuer", "audience", "jwks_url", "jwks_file"};
    MapFields om(&r_, *o, &kOidc);
    c->oidc_issuer = Str(om, "issuer");
    c->oidc_audience = Str(om, "audience");
    c->oidc_jwks_url = Url(om, "jwks_url", *o, /*required=*/false);
    c->oidc_jwks_file = Resolve(dir_, Str(om, "jwks_file"));
    if (c->oidc_issuer.empty())
      r_.Error(*o, "oidc needs an issuer", "issuer: \"https://keycloak.example/realms/shop\"");
    if (c->oidc_jwks_url.empty() && c->oidc_jwks_file.empty()) {
      r_.Error(*o, "oidc needs jwks_url or jwks_file to verify RS256 tokens",
               "jwks_url: \"https://keycloak.example/realms/shop/protocol/openid-connect/certs\"");
    }
  }
  if (const Field* rm = m.Get("role_map")) {
    MapFields roles(&r_, *rm, nullptr);
    for (const auto& [key, value] : roles.all()) {
      auto idx = r_.Enum(value, "role", kRoles);
      if (idx) c->role_map[key] = kRoles[*idx];
    }
  }
}

void Loader::Run(ServiceConfig* c) {
  auto doc = r_.LoadDocument();
  if (!doc) return;
  Field root = YamlReader::Root(*doc);
  MapFields top(&r_, root, &kTopLevel);
  if (!top.ok()) return;

  if (const Field* p = top.Get("prometheus")) {
    static const std::vector<std::string> kKeys = {"url", "timeout"};
    MapFields m(&r_, *p, &kKeys);
    std::string url = Url(m, "url", *p, /*required=*/false);
    if (!url.empty()) c->prometheus_url = url;
    c->prometheus_timeout_ms = Duration(m, "timeout", c->prometheus_timeout_ms);
  }
  c->state_dir = Resolve(dir_, Str(top, "state_dir"));
  if (c->state_dir.empty()) {
    r_.Error(root, "missing state_dir (where the SQLite database and the outbox live)",
             "state_dir: /var/lib/bam-rulesvc");
  }
  if (const Field* cats = top.Get("catalogs")) {
    for (const auto& n : Names(*cats)) c->catalogs.push_back(Resolve(dir_, n));
  }
  if (c->catalogs.empty()) r_.Error(root, "missing catalogs", "catalogs: [catalog.yml]");
  c->rules_out = Resolve(dir_, Str(top, "rules_out"));
  c->currency = Str(top, "currency", c->currency);
  c->locale = Str(top, "locale", c->locale);
  if (const Field* l = top.Get("links")) {
    static const std::vector<std::string> kKeys = {"dashboard", "logs"};
    MapFields m(&r_, *l, &kKeys);
    c->dashboard_link = Str(m, "dashboard");
    c->logs_link = Str(m, "logs");
  }
  if (const Field* rc = top.Get("receiver")) {
    static const std::vector<std::string> kKeys = {"path",
                                                   "bearer_token_file",
                                                   "bearer_token_env",
                                                   "basic_username_file",
                                                   "basic_username_env",
                                                   "basic_password_file",
                                                   "basic_password_env"};
    MapFields m(&r_, *rc, &kKeys);
    c->receiver_path = Str(m, "path", c->receiver_path);
    if (c->receiver_path.empty() || c->receiver_path[0] != '/') {
      r_.Error(m.Get("path") ? *m.Get("path") : *rc, "the receiver path must start with /",
               "path: /alertmanager/webhook");
    }
    c->receiver_bearer_token = Secret(m, "bearer_token");
    c->receiver_basic_username = Secret(m, "basic_username");
    c->receiver_basic_password = Secret(m, "basic_password");
  }
  if (const Field* chs = top.Get("channels")) {
    MapFields m(&r_, *chs, nullptr);
    for (const auto& [name, value] : m.all()) declared_channels_.push_back(name);
    for (const auto& [name, value] : m.all()) {
      if (!IsSimpleName(name)) {
        r_.Error(value.key_pos, value.path, "invalid channel name \"" + name + "\"",
                 "lower-case letters, digits and '_'");
        continue;
      }
      Channel(name, value, c);
    }
  }
  if (const Field* rt = top.Get("routing")) Routing(*rt, c);
  if (const Field* ob = top.Get("outbox")) {
    static const std::vector<std::string> kKeys = {"max_age", "initial_backoff", "max_backoff",
                                                   "lease"};
    MapFields m(&r_, *ob, &kKeys);
    c->outbox_max_age_ms = Duration(m, "max_age", c->outbox_max_age_ms);
    c->outbox_initial_backoff_ms = Duration(m, "initial_backoff", c->outbox_initial_backoff_ms);
    c->outbox_max_backoff_ms = Duration(m, "max_backoff", c->outbox_max_backoff_ms);
    c->outbox_lease_ms = Duration(m, "lease", c->outbox_lease_ms);
    if (c->outbox_lease_ms < 1000) {
      r_.Error(*ob, "outbox lease is shorter than 1s",
               "lease: 60s (longer than the slowest channel delivery)");
    }
    if (c->outbox_max_backoff_ms < c->outbox_initial_backoff_ms) {
      r_.Error(*ob, "outbox max_backoff is shorter than initial_backoff",
               "max_backoff: 5m, initial_backoff: 1s");
    }
  }
  if (const Field* a = top.Get("auth")) Auth(*a, c);
  if (const Field* t = top.Get("tls")) {
    static const std::vector<std::string> kKeys = {"cert_file", "key_file"};
    MapFields m(&r_, *t, &kKeys);
    c->tls_cert_file = Resolve(dir_, Str(m, "cert_file"));
    c->tls_key_file = Resolve(dir_, Str(m, "key_file"));
    if (c->tls_cert_file.empty() != c->tls_key_file.empty()) {
      r_.Error(*t, "tls needs both cert_file and key_file",
               "cert_file: server.crt, key_file: server.key");
    }
  }
}

std::string StripCredentials(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t host = scheme + 3;
  size_t at = url.find('@', host);
  size_t slash = url.find('/', host);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, host) + url.substr(at + 1);
}

}  // namespace

std::string_view ChannelTypeName(ChannelType type) {
  static const char* kNames[] = {"slack", "teams", "email", "webhook", "twilio"};
  return kNames[static_cast<int>(type)];
}

const ChannelConfig* ServiceConfig::FindChannel(std::string_view name) const {
  for (const auto& c : channels) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool ParseServiceConfig(const std::string& file, std::string_view text, const std::string& dir,
                        ServiceConfig* out, DiagnosticList* diags) {
  DiagnosticList local;
  ServiceConfig c;
  c.file = file;
  c.dir = dir;
  Loader(file, text, dir, &local).Run(&c);
  if (!local.empty()) {
    local.Sort();
    for (const auto& d : local.items()) diags->Add(d);
    return false;
  }
  *out = std::move(c);
  return true;
}

bool LoadServiceConfig(const std::string& path, ServiceConfig* out, DiagnosticList* diags) {
  std::string text, error;
  if (!ReadFile(path, &text, &error)) {
    diags->Add(path, {}, "", "cannot read the configuration file: " + error, "--config.file=PATH");
    return false;
  }
  std::string dir = fs::path(path).parent_path().string();
  return ParseServiceConfig(path, text, dir, out, diags);
}

std::string RedactedJson(const ServiceConfig& c) {
  using nlohmann::json;
  auto secret = [](const std::string& s) { return s.empty() ? json(nullptr) : json("<redacted>"); };
  json channels = json::object();
  for (const auto& ch : c.channels) {
    json j = {{"type", ChannelTypeName(ch.type)}, {"timeout_ms", ch.timeout_ms}};
    if (!ch.url.empty()) j["url"] = StripCredentials(ch.url);
    if (!ch.smtp.empty()) j["smtp"] = StripCredentials(ch.smtp);
    if (!ch.from.empty()) j["from"] = ch.from;
    if (!ch.to.empty()) j["to"] = ch.to;
    if (ch.type == ChannelType::kEmail) {
      j["username"] = secret(ch.username);
      j["password"] = secret(ch.password);
      j["starttls"] = ch.starttls;
    }
    if (ch.type == ChannelType::kWebhook) j["secret"] = secret(ch.secret);
    if (ch.type == ChannelType::kTwilio) {
      j["account_sid"] = ch.account_sid;
      j["auth_token"] = secret(ch.auth_token);
    }
    channels[ch.name] = j;
  }
  json by_severity = json::object();
  for (const auto& [k, v] : c.by_severity) by_severity[k] = v;
  json j = {
      {"prometheus",
       {{"url", StripCredentials(c.prometheus_url)}, {"timeout_ms", c.prometheus_timeout_ms}}},
      {"state_dir", c.state_dir},
      {"catalogs", c.catalogs},
      {"rules_out", c.rules_out},
      {"currency", c.currency},
      {"locale", c.locale},
      {"links", {{"dashboard", c.dashboard_link}, {"logs", c.logs_link}}},
      {"receiver",
       {{"path", c.receiver_path},
        {"bearer_token", secret(c.receiver_bearer_token)},
        {"basic_username", secret(c.receiver_basic_username)},
        {"basic_password", secret(c.receiver_basic_password)}}},
      {"channels", channels},
      {"routing", {{"default", c.default_route}, {"by_severity", by_severity}}},
      {"outbox",
       {{"max_age_ms", c.outbox_max_age_ms},
        {"initial_backoff_ms", c.outbox_initial_backoff_ms},
        {"max_backoff_ms", c.outbox_max_backoff_ms},
        {"lease_ms", c.outbox_lease_ms}}},
      {"auth",
       {{"hs256_secret", secret(c.jwt_hs256_secret)},
        {"oidc",
         {{"issuer", c.oidc_issuer},
          {"audience", c.oidc_audience},
          {"jwks_url", c.oidc_jwks_url},
          {"jwks_file", c.oidc_jwks_file}}},
        {"roles_claim", c.roles_claim},
        {"role_map", c.role_map}}},
      {"tls", {{"cert_file", c.tls_cert_file}, {"key_file", c.tls_key_file}}},
  };
  return j.dump(2);
}

}  // namespace bam::rulesvc
