#include "rulesvc/service/service.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "rulesvc/api/alerts_api.h"
#include "rulesvc/api/kpis_api.h"
#include "rulesvc/api/openapi.h"
#include "rulesvc/auth/audit_handler.h"
#include "rulesvc/auth/audit_log.h"
#include "rulesvc/auth/authenticator.h"
#include "rulesvc/catalog/catalog.h"
#include "rulesvc/channels/channels.h"
#include "rulesvc/enrich/enricher.h"
#include "rulesvc/enrich/prometheus_client.h"
#include "rulesvc/http/server.h"
#include "rulesvc/outbox/dispatcher.h"
#include "rulesvc/rules_admin/rule_manager.h"
#include "rulesvc/service/receiver.h"
#include "rulesvc/store/alert_store.h"

namespace bam::rulesvc::service {
namespace {

using http::ApiRequest;
using http::ApiResponse;
using http::Permission;
using http::Principal;

// A REST handler after authentication and authorisation.
using ApiHandler = std::function<ApiResponse(const ApiRequest&, const Principal&)>;

// The error message of an API error body, for the audit log ("" when there is none).
std::string ErrorMessage(const ApiResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string()) {
    return j["error"]["message"].get<std::string>();
  }
  return "";
}

std::unique_ptr<channels::Channel> MakeChannel(const ChannelConfig& c, std::string* error) {
  channels::ChannelOptions options;
  options.timeout = std::chrono::milliseconds(c.timeout_ms);
  switch (c.type) {
    case ChannelType::kSlack:
      return channels::MakeSlackChannel({c.name, c.url, options}, error);
    case ChannelType::kTeams:
      return channels::MakeTeamsChannel({c.name, c.url, options}, error);
    case ChannelType::kWebhook: {
      channels::WebhookConfig w{c.name, c.url, "", options};
      w.secret = c.secret;
      return channels::MakeWebhookChannel(std::move(w), error);
    }
    case ChannelType::kTwilio: {
      channels::TwilioConfig t;
      t.name = c.name;
      t.account_sid = c.account_sid;
      t.auth_token = c.auth_token;
      t.from = c.from;
      t.to = c.to;
      if (!c.url.empty()) t.url = c.url;
      t.options = options;
      return channels::MakeTwilioChannel(std::move(t), error);
    }
    case ChannelType::kEmail: {
      channels::EmailConfig e;
      e.name = c.name;
      e.smtp = c.smtp;
      e.from = c.from;
      e.to = c.to;
      e.username = c.username;
      e.password = c.password;
      e.starttls = c.starttls;
      e.options = options;
      return channels::MakeEmailChannel(std::move(e), error);
    }
  }
  *error = "channel " + c.name + ": unknown type";
  return nullptr;
}

}  // namespace

struct Service::Parts {
  ServiceConfig config;
  channels::Locale locale = channels::Locale::kFrFr;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<AlertStore> store;
  std::unique_ptr<rules_admin::RuleManager> rules;
  std::unique_ptr<enrich::PrometheusClient> prometheus;
  std::map<std::string, std::unique_ptr<channels::Channel>> channels;
  std::unique_ptr<outbox::Dispatcher> dispatcher;
  std::unique_ptr<Receiver> receiver;
  std::unique_ptr<auth::Authenticator> authenticator;  // null: auth not configured (open API)
  std::unique_ptr<auth::AuditLog> audit;
  std::unique_ptr<api::AlertsApi> alerts_api;
  std::unique_ptr<api::KpisApi> kpis_api;
  prometheus::Counter* audit_errors = nullptr;
  std::unique_ptr<http::Server> server;
  std::atomic<bool> ready{false};
  prometheus::Family<prometheus::Counter>* http_requests = nullptr;
  prometheus::Family<prometheus::Histogram>* http_seconds = nullptr;

  std::shared_ptr<const Catalog> CurrentCatalog() { return rules->catalog(); }

  void Audit(const ApiRequest& r, const Principal* who, int status, const char* outcome,
             std::string detail) {
    Status s = audit->Record(auth::AuditEntry::ForRequest(
        r, who, status, outcome, std::move(detail), outbox::SystemClockMs()));
    if (!s.ok()) {
      audit_errors->Increment();
      Log(LogLevel::kError, "audit log: " + s.ToString());
    }
  }

  // Authenticates, authorises `permission`, runs `handler`, and audits every refusal and every
  // mutation (any method but GET).
  http::Handler Guard(Permission permission, ApiHandler handler) {
    return [this, permission, handler = std::move(handler)](const ApiRequest& r) {
      Principal who;
      if (authenticator != nullptr) {
        auth::AuthResult a =
            authenticator->Authenticate(r.Header("authorization"), outbox::SystemClockMs() / 1000);
        if (!a.ok()) {
          ApiResponse resp = auth::UnauthenticatedResponse(a);
          Audit(r, nullptr, resp.status, auth::kOutcomeUnauthenticated, a.AuditDetail());
          return resp;
        }
        who = std::move(a.principal);
      } else {
        who.subject = "anonymous";
        who.roles = {http::Role::kAdmin};
      }
      if (!who.Allows(permission)) {
        std::string roles;
        for (http::Role role : who.roles)
          roles += (roles.empty() ? "" : ", ") + std::string(RoleName(role));
        ApiResponse resp =
            ApiResponse::Error(403, "forbidden",
                               "your roles (" + (roles.empty() ? std::string("none") : roles) +
                                   ") do not allow this; see docs/rulesvc.md, \"Roles\"");
        Audit(r, &who, 403, auth::kOutcomeDenied, "roles: " + (roles.empty() ? "none" : roles));
        return resp;
      }
      ApiResponse resp = handler(r, who);
      if (r.method != "GET" && r.method != "HEAD") {
        const char* outcome = resp.status < 400   ? auth::kOutcomeOk
                              : resp.status < 500 ? auth::kOutcomeInvalid
                                                  : auth::kOutcomeError;
        Audit(r, &who, resp.status, outcome, ErrorMessage(resp));
      }
      return resp;
    };
  }
};

Service::Service(ServeFlags flags) : flags_(std::move(flags)) {}

Service::~Service() { Stop(); }

int Service::port() const { return parts_ && parts_->server ? parts_->server->port() : 0; }

bool Service::Start() {
  auto p = std::make_unique<Parts>();
  DiagnosticList diags;
  if (!LoadServiceConfig(flags_.config_file, &p->config, &diags)) {
    diags.Sort();
    std::string text = diags.Format();
    std::fwrite(text.data(), 1, text.size(), stderr);
    return false;
  }
  const ServiceConfig& config = p->config;
  if (!channels::ParseLocale(config.locale, &p->locale)) {
    Log(LogLevel::kError, "locale \"" + config.locale + "\": want fr-FR or en-US");
    return false;
  }

  // Store.
  auto store = AlertStore::Open({.state_dir = config.state_dir});
  if (!store.ok()) {
    Log(LogLevel::kError, "state_dir " + config.state_dir + ": " + store.status().ToString());
    return false;
  }
  p->store = std::move(store).value();

  // Catalog and rules: the configured catalog files plus the rules created through the API
  // (state_dir/api-rules.yml); compiled, written to rules_out and Prometheus reloaded.
  {
    rules_admin::RuleManager::Options ropts;
    ropts.catalog_files = config.catalogs;
    ropts.overlay_path = (std::filesystem::path(config.state_dir) / "api-rules.yml").string();
    ropts.rules_out = config.rules_out;
    ropts.prometheus_url = config.rules_out.empty() ? "" : config.prometheus_url;
    ropts.reload_timeout = std::chrono::milliseconds(config.prometheus_timeout_ms);
    p->rules = std::make_unique<rules_admin::RuleManager>(ropts);
    Status s = p->rules->Init();
    if (!s.ok()) {
      Log(LogLevel::kError, "catalog: " + s.message());
      return false;
    }
    if (Status reload = p->rules->init_reload_status(); !reload.ok()) {
      Log(LogLevel::kWarn, "rules written to " + config.rules_out +
                               " but Prometheus did not reload them: " + reload.message());
    }
  }

  // Authentication and audit.
  if (!config.jwt_hs256_secret.empty() || !config.oidc_issuer.empty() ||
      !config.oidc_jwks_url.empty() || !config.oidc_jwks_file.empty()) {
    auto created = auth::Authenticator::Create(auth::Authenticator::OptionsFromConfig(config));
    if (!created.ok()) {
      Log(LogLevel::kError, "auth: " + created.status().message());
      return false;
    }
    p->authenticator = std::move(created).value();
  } else {
    Log(LogLevel::kWarn,
        "auth is not configured: the REST API answers anyone as admin (set auth: in rulesvc.yml)");
  }
  auto audit = auth::AuditLog::Open(auth::AuditLog::PathIn(config.state_dir));
  if (!audit.ok()) {
    Log(LogLevel::kError, "audit log: " + audit.status().ToString());
    return false;
  }
  p->audit = std::move(audit).value();
  p->audit_errors = &prometheus::BuildCounter()
                         .Name("bam_rulesvc_audit_errors_total")
                         .Help("Audit entries that could not be written.")
                         .Register(*p->registry)
                         .Add({});

  // Channels and the outbox dispatcher.
  std::map<std::string, channels::Channel*> by_name;
  for (const ChannelConfig& c : config.channels) {
    std::string error;
    std::unique_ptr<channels::Channel> ch = MakeChannel(c, &error);
    if (ch == nullptr) {
      Log(LogLevel::kError, error);
      return false;
    }
    by_name[c.name] = ch.get();
    p->channels[c.name] = std::move(ch);
  }
  outbox::DispatcherOptions dopts;
  dopts.max_age = std::chrono::milliseconds(config.outbox_max_age_ms);
  dopts.lease = std::chrono::milliseconds(config.outbox_lease_ms);
  dopts.backoff.initial = std::chrono::milliseconds(config.outbox_initial_backoff_ms);
  dopts.backoff.max = std::chrono::milliseconds(config.outbox_max_backoff_ms);
  p->dispatcher =
      std::make_unique<outbox::Dispatcher>(p->store.get(), by_name, *p->registry, dopts);

  // Enrichment.
  enrich::PrometheusClient::Options popts;
  popts.url = config.prometheus_url;
  popts.timeout = std::chrono::milliseconds(config.prometheus_timeout_ms);
  p->prometheus = std::make_unique<enrich::PrometheusClient>(popts);

  // Receiver.
  Parts* parts = p.get();
  ReceiverDeps deps;
  deps.config = &p->config;
  deps.store = p->store.get();
  deps.catalog = [parts] { return parts->CurrentCatalog(); };
  deps.enrich = [parts](const Catalog& catalog, const enrich::AlertInfo& info) {
    enrich::Enricher::Options eopts;
    eopts.deadline = std::chrono::milliseconds(parts->config.prometheus_timeout_ms);
    return enrich::Enricher(catalog, parts->prometheus.get(), eopts).Enrich(info);
  };
  deps.on_enqueued = [parts] { parts->dispatcher->Notify(); };
  deps.clock = outbox::SystemClockMs;
  deps.locale = p->locale;
  p->receiver = std::make_unique<Receiver>(std::move(deps), *p->registry);

  // REST API.
  p->alerts_api = std::make_unique<api::AlertsApi>(p->store.get());
  p->kpis_api = std::make_unique<api::KpisApi>(
      api::KpisApi::Options{[parts] { return parts->CurrentCatalog(); },
                            p->prometheus.get(),
                            {},
                            std::chrono::milliseconds(config.prometheus_timeout_ms)});

  // HTTP.
  p->http_requests = &prometheus::BuildCounter()
                          .Name("bam_rulesvc_http_requests_total")
                          .Help("HTTP requests answered, by route and status code.")
                          .Register(*p->registry);
  p->http_seconds = &prometheus::BuildHistogram()
                         .Name("bam_rulesvc_http_request_duration_seconds")
                         .Help("Time to answer an HTTP request, by route.")
                         .Register(*p->registry);
  http::ServerOptions sopts;
  sopts.tls_cert_file = config.tls_cert_file;
  sopts.tls_key_file = config.tls_key_file;
  p->server = std::make_unique<http::Server>(sopts);
  http::Server& server = *p->server;
  server.SetObserver(
      [parts](const ApiRequest&, std::string_view pattern, const ApiResponse& r, double seconds) {
        std::string handler = pattern.empty() ? "unmatched" : std::string(pattern);
        parts->http_requests->Add({{"handler", handler}, {"code", std::to_string(r.status)}})
            .Increment();
        parts->http_seconds
            ->Add({{"handler", handler}},
                  prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1, 0.25, 0.5, 1, 2.5, 5, 10})
            .Observe(seconds);
      });
  server.Route("POST", config.receiver_path,
               [parts](const ApiRequest& r) { return parts->receiver->Handle(r); });
  server.Route("GET", "/metrics", [parts](const ApiRequest&) {
    ApiResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = prometheus::TextSerializer().Serialize(parts->registry->Collect());
    return r;
  });
  server.Route("GET", "/-/healthy", [](const ApiRequest&) {
    ApiResponse r = ApiResponse::Json(200, "bam-rulesvc is Healthy.\n");
    r.content_type = "text/plain; charset=utf-8";
    return r;
  });
  server.Route("GET", "/-/ready", [parts](const ApiRequest&) {
    bool ready = parts->ready.load();
    ApiResponse r = ApiResponse::Json(
        ready ? 200 : 503, ready ? "bam-rulesvc is Ready.\n" : "bam-rulesvc is not ready.\n");
    r.content_type = "text/plain; charset=utf-8";
    return r;
  });

  server.Route("GET", "/bam/openapi.json",
               [](const ApiRequest& r) { return api::HandleOpenApi(r, Principal{}); });
  auto alerts = p->alerts_api.get();
  auto kpis = p->kpis_api.get();
  auto rules = p->rules.get();
  using namespace std::placeholders;
  server.Route("GET", "/bam/alerts",
               p->Guard(Permission::kRead, std::bind(&api::AlertsApi::HandleList, alerts, _1, _2)));
  server.Route("GET", "/bam/alerts/{id}",
               p->Guard(Permission::kRead, std::bind(&api::AlertsApi::HandleGet, alerts, _1, _2)));
  server.Route(
      "PATCH", "/bam/alerts/{id}",
      p->Guard(Permission::kTreat, std::bind(&api::AlertsApi::HandlePatch, alerts, _1, _2)));
  server.Route(
      "GET", "/bam/alerts/{id}/comments",
      p->Guard(Permission::kRead, std::bind(&api::AlertsApi::HandleListComments, alerts, _1, _2)));
  server.Route(
      "POST", "/bam/alerts/{id}/comments",
      p->Guard(Permission::kComment, std::bind(&api::AlertsApi::HandleAddComment, alerts, _1, _2)));
  server.Route("GET", "/bam/kpis",
               p->Guard(Permission::kRead, std::bind(&api::KpisApi::HandleList, kpis, _1, _2)));
  server.Route("GET", "/bam/kpis/{id}",
               p->Guard(Permission::kRead, std::bind(&api::KpisApi::HandleGet, kpis, _1, _2)));
  server.Route("GET", "/bam/kpis/{id}/export",
               p->Guard(Permission::kRead, std::bind(&api::KpisApi::HandleExport, kpis, _1, _2)));
  server.Route(
      "GET", "/bam/rules",
      p->Guard(Permission::kRead, std::bind(&rules_admin::RuleManager::HandleList, rules, _1, _2)));
  server.Route("POST", "/bam/rules",
               p->Guard(Permission::kEditRules,
                        std::bind(&rules_admin::RuleManager::HandleCreate, rules, _1, _2)));
  server.Route(
      "GET", "/bam/rules/{id}",
      p->Guard(Permission::kRead, std::bind(&rules_admin::RuleManager::HandleGet, rules, _1, _2)));
  server.Route("PUT", "/bam/rules/{id}",
               p->Guard(Permission::kEditRules,
                        std::bind(&rules_admin::RuleManager::HandleUpdate, rules, _1, _2)));
  server.Route("DELETE", "/bam/rules/{id}",
               p->Guard(Permission::kEditRules,
                        std::bind(&rules_admin::RuleManager::HandleDelete, rules, _1, _2)));
  server.Route("GET", "/bam/config",
               p->Guard(Permission::kAdmin, [parts](const ApiRequest&, const Principal&) {
                 return ApiResponse::Json(200, RedactedJson(parts->config));
               }));
  server.Route("GET", "/bam/audit",
               p->Guard(Permission::kAdmin, [parts](const ApiRequest& r, const Principal&) {
                 return auth::HandleAuditList(*parts->audit, r);
               }));

  std::string error;
  if (!server.Start(flags_.listen_address, &error)) {
    Log(LogLevel::kError, error);
    return false;
  }
  p->dispatcher->Start();
  p->ready = true;
  const std::string host = flags_.listen_address.substr(0, flags_.listen_address.rfind(':'));
  Log(LogLevel::kInfo, std::string("listening on ") + (server.tls() ? "https://" : "http://") +
                           (host.empty() ? "0.0.0.0" : host) + ":" + std::to_string(server.port()));
  parts_ = std::move(p);
  return true;
}

void Service::Stop() {
  if (parts_ == nullptr) return;
  parts_->ready = false;
  parts_->server->Stop();      // no new events
  parts_->dispatcher->Stop();  // after the delivery in progress; the rest stays in the outbox
  parts_.reset();
}

int RunServe(const ServeFlags& flags) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Service service(flags);
  if (!service.Start()) return 1;
  int sig = 0;
  sigwait(&signals, &sig);
  Log(LogLevel::kInfo, "shutting down");
  service.Stop();
  return 0;
}

}  // namespace bam::rulesvc::service
