// ServiceConfig: the `bam-rulesvc serve --config.file=FILE` configuration (see
// ../shared/specs/rulesvc-config.md and docs/rulesvc.md), loaded and checked whole.
//
// Every problem is reported as a Diagnostic (FILE:LINE:COL, field path, hint) and loading goes on,
// so a user sees all errors at once. Secrets (`*_file`, `*_env`) are read at load time into the
// struct and never appear in diagnostics or in Redacted(). Relative paths are resolved against
// the configuration file's directory. Value type; not thread-safe to mutate.
#ifndef BAM_RULESVC_CONFIG_SERVICE_CONFIG_H_
#define BAM_RULESVC_CONFIG_SERVICE_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace bam::rulesvc {

enum class ChannelType { kSlack, kTeams, kEmail, kWebhook, kTwilio };
std::string_view ChannelTypeName(ChannelType type);

struct ChannelConfig {
  std::string name;
  ChannelType type = ChannelType::kSlack;
  Position pos;
  std::string path;  // "channels.slack_ops"
  std::string url;   // slack, teams, webhook: the endpoint; twilio: the API base
  // email
  std::string smtp;             // smtp://host:port or smtps://host:port
  std::string from;             // email and twilio
  std::vector<std::string> to;  // email addresses or phone numbers
  std::string username;         // secret (username_file / username_env)
  std::string password;         // secret
  bool starttls = false;
  // webhook: HMAC-SHA256 key of the X-BAM-Signature header (secret_file / secret_env); may be empty
  std::string secret;
  // twilio
  std::string account_sid;
  std::string auth_token;  // secret
  int64_t timeout_ms = 10000;
};

struct ServiceConfig {
  std::string file;  // as given
  std::string dir;   // its directory, for relative paths

  std::string prometheus_url = "http://127.0.0.1:9090";
  int64_t prometheus_timeout_ms = 5000;
  std::string state_dir;              // required; SQLite database and outbox
  std::vector<std::string> catalogs;  // resolved paths; at least one
  std::string rules_out;              // where /bam/rules writes the compiled rules; optional
  std::string currency = "EUR";
  std::string locale = "fr-FR";
  std::string dashboard_link;  // URL templates: {{start_ms}} {{end_ms}} {{start}} {{end}} ...
  std::string logs_link;

  std::string receiver_path = "/alertmanager/webhook";
  std::string receiver_bearer_token;    // secret; empty = no bearer check
  std::string receiver_basic_username;  // secret
  std::string receiver_basic_password;  // secret

  std::vector<ChannelConfig> channels;                          // in file order; names unique
  std::vector<std::string> default_route;                       // channel names
  std::map<std::string, std::vector<std::string>> by_severity;  // severity -> channel names

  int64_t outbox_max_age_ms = 24LL * 3600 * 1000;
  int64_t outbox_initial_backoff_ms = 1000;
  int64_t outbox_max_backoff_ms = 5 * 60 * 1000;
  // A delivery that died with the process (crash, SIGKILL) is retried after this; longer than the
  // slowest channel delivery.
  int64_t outbox_lease_ms = 60 * 1000;

  std::string jwt_hs256_secret;  // secret
  std::string oidc_issuer;
  std::string oidc_audience;
  std::string oidc_jwks_url;
  std::string oidc_jwks_file;
  std::string roles_claim = "realm_access.roles";
  std::map<std::string, std::string> role_map;  // token role -> analyst | ops | direction | admin

  std::string tls_cert_file;
  std::string tls_key_file;

  const ChannelConfig* FindChannel(std::string_view name) const;
};

// Parses a configuration's text. `file` names it in diagnostics; `dir` resolves relative paths.
// Returns false if anything was reported.
bool ParseServiceConfig(const std::string& file, std::string_view text, const std::string& dir,
                        ServiceConfig* out, DiagnosticList* diags);

// Reads and parses `path`. Returns false if anything was reported (a missing file included).
bool LoadServiceConfig(const std::string& path, ServiceConfig* out, DiagnosticList* diags);

// The configuration as JSON for `GET /bam/config`, every secret replaced by "<redacted>" (or
// absent when unset) and credentials stripped from URLs.
std::string RedactedJson(const ServiceConfig& config);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_CONFIG_SERVICE_CONFIG_H_
