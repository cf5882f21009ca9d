#include "rulesvc/rules_admin/prometheus_admin.h"

#include <curl/curl.h>

#include <mutex>
#include <nlohmann/json.hpp>

namespace bam::rulesvc::rules_admin {
namespace {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

StatusOr<HttpAnswer> Request(const std::string& method, const std::string& url,
                             std::chrono::milliseconds timeout) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  HttpAnswer answer;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return Status::Unavailable("prometheus at " + url + " did not answer: " +
                               (error[0] != 0 ? std::string(error) : curl_easy_strerror(rc)));
  }
  return answer;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::map<std::string, std::string> StringMap(const nlohmann::json& j) {
  std::map<std::string, std::string> m;
  if (!j.is_object()) return m;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) m[k] = v.get<std::string>();
  }
  return m;
}

}  // namespace

StatusOr<std::vector<LoadedGroup>> ParseRulesResponse(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("status", "") != "success" ||
      !j.contains("data") || !j["data"].is_object() || !j["data"].contains("groups") ||
      !j["data"]["groups"].is_array()) {
    return Status::Internal("unexpected /api/v1/rules answer: " + body.substr(0, 200));
  }
  std::vector<LoadedGroup> groups;
  for (const auto& g : j["data"]["groups"]) {
    if (!g.is_object()) continue;
    LoadedGroup group;
    group.name = g.value("name", "");
    group.file = g.value("file", "");
    if (g.contains("rules") && g["rules"].is_array()) {
      for (const auto& r : g["rules"]) {
        if (!r.is_object()) continue;
        LoadedRule rule;
        rule.name = r.value("name", "");
        rule.type = r.value("type", "");
        rule.query = r.value("query", "");
        if (r.contains("duration") && r["duration"].is_number()) {
          rule.duration_s = r["duration"].get<double>();
        }
        if (r.contains("labels")) rule.labels = StringMap(r["labels"]);
        if (r.contains("annotations")) rule.annotations = StringMap(r["annotations"]);
        group.rules.push_back(std::move(rule));
      }
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

PrometheusAdmin::PrometheusAdmin(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
}

Status PrometheusAdmin::Reload() const {
  StatusOr<HttpAnswer> a = Request("POST", url_ + "/-/reload", timeout_);
  if (!a.ok()) return a.status();
  if (a->status / 100 == 2) return Status();
  std::string text = Trim(a->body);
  if (a->status == 403 && text.find("lifecycle") != std::string::npos) {
    return Status::FailedPrecondition("prometheus refused the reload (HTTP 403): " + text +
                                      " (start it with --web.enable-lifecycle)");
  }
  return Status::FailedPrecondition("prometheus refused the reload (HTTP " +
                                    std::to_string(a->status) + "): " + text);
}

StatusOr<std::vector<LoadedGroup>> PrometheusAdmin::Rules() const {
  StatusOr<HttpAnswer> a = Request("GET", url_ + "/api/v1/rules", timeout_);
  if (!a.ok()) return a.status();
  if (a->status / 100 != 2) {
    return Status::Unavailable("GET /api/v1/rules answered HTTP " + std::to_string(a->status) +
                               ": " + Trim(a->body).substr(0, 300));
  }
  return ParseRulesResponse(a->body);
}

}  // namespace bam::rulesvc::rules_admin
