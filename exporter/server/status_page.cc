#include "exporter/server/status_page.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "common/html_escape.h"

namespace bam::exporter {
namespace {

std::string Escape(const std::string& s) { return HtmlEscape(s); }

std::string Rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string ReloadText(const ServerStatus& status) {
  if (!status.last_reload) return "none since start";
  std::string text = status.last_reload->ok ? "success" : "failure";
  text += " at " + Rfc3339(status.last_reload_unix_seconds);
  if (!status.last_reload->message.empty()) text += ": " + status.last_reload->message;
  return text;
}

}  // namespace

std::string RenderStatusHtml(const ServerStatus& status, const std::string& telemetry_path) {
  std::string h;
  h += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>bam-exporter</title>\n"
       "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
       "td,th{border:1px solid #999;padding:2px 8px;text-align:left}"
       ".err{color:#b00}pre{white-space:pre-wrap}</style></head><body>\n";
  h += "<h1>bam-exporter</h1>\n<p>Version: " + Escape(status.version) +
       "<br>Config file: " + Escape(status.config_file) + "<br>Last reload:</p><pre>" +
       Escape(ReloadText(status)) + "</pre>\n<p><a href=\"" + Escape(telemetry_path) + "\">" +
       Escape(telemetry_path) + "</a> · <a href=\"/status.json\">/status.json</a></p>\n";
  h += "<h2>Sources</h2>\n<table>\n<tr><th>Source</th><th>Kind</th><th>Running</th><th>Input</th>"
       "<th>Offset</th><th>Lines</th><th>Last error</th></tr>\n";
  for (const SourceStatus& s : status.sources) {
    std::string head = "<tr><td>" + Escape(s.source) + "</td><td>" + Escape(s.kind) + "</td><td>" +
                       (s.running ? "yes" : "no") + "</td>";
    if (s.inputs.empty()) {
      h += head + "<td colspan=\"4\">(no input yet)</td></tr>\n";
      continue;
    }
    for (const InputStatus& in : s.inputs) {
      h += head + "<td>" + Escape(in.name) + "</td><td>" + std::to_string(in.offset) + "</td><td>" +
           std::to_string(in.lines) + "</td><td class=\"err\">" + Escape(in.last_error) +
           "</td></tr>\n";
    }
  }
  h += "</table>\n</body></html>\n";
  return h;
}

std::string RenderStatusJson(const ServerStatus& status) {
  nlohmann::json j;
  j["version"] = status.version;
  j["config_file"] = status.config_file;
  if (status.last_reload) {
    j["last_reload"] = {{"ok", status.last_reload->ok},
                        {"message", status.last_reload->message},
                        {"time", Rfc3339(status.last_reload_unix_seconds)}};
  } else {
    j["last_reload"] = nullptr;
  }
  nlohmann::json sources = nlohmann::json::array();
  for (const SourceStatus& s : status.sources) {
    nlohmann::json inputs = nlohmann::json::array();
    for (const InputStatus& in : s.inputs) {
      inputs.push_back({{"name", in.name},
                        {"offset", in.offset},
                        {"lines", in.lines},
                        {"last_error", in.last_error}});
    }
    sources.push_back(
        {{"source", s.source}, {"kind", s.kind}, {"running", s.running}, {"inputs", inputs}});
  }
  j["sources"] = std::move(sources);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace bam::exporter
