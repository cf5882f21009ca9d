#include "rulesvc/compiler/rule_writer.h"

#include <cstdio>

#include "rulesvc/compiler/conventions.h"

namespace bam::rulesvc {
namespace {

bool PlainSafe(std::string_view s) {
  if (s.empty() || s.size() > 80) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == ':' || c == '.' || c == '/';
    if (!ok) return false;
  }
  // Strings that YAML would read as something else (numbers, booleans, null) or that start with
  // an indicator.
  const char first = s[0];
  if (first == '-' || first == ':' || first == '.' || (first >= '0' && first <= '9')) return false;
  for (std::string_view word :
       {"true", "false", "yes", "no",  "on",   "off", "null", "y",    "n",
        "True", "False", "Yes", "No",  "On",   "Off", "Null", "TRUE", "FALSE",
        "YES",  "NO",    "ON",  "OFF", "NULL", "Y",   "N"}) {
    if (s == word) return false;
  }
  return s.find(": ") == std::string_view::npos && s.back() != ':';
}

void WriteGroups(const RuleFile& file, const std::string& indent, std::string* out) {
  std::string& o = *out;
  const std::string i1 = indent + "  ";  // group fields
  const std::string i2 = i1 + "      ";  // rule fields
  const std::string i3 = i2 + "  ";      // label / annotation entries
  o += indent + "groups:\n";
  for (const auto& g : file.groups) {
    o += indent + "  - name: " + YamlScalar(g.name) + "\n";
    if (g.interval_ms > 0) {
      o += i1 + "  interval: " + conventions::PromDuration(g.interval_ms) + "\n";
    }
    o += i1 + "  rules:\n";
    auto map = [&](const char* key, const std::map<std::string, std::string>& m) {
      if (m.empty()) return;
      o += i2 + key + ":\n";
      for (const auto& [k, v] : m) o += i3 + k + ": " + YamlScalar(v) + "\n";
    };
    for (const auto& r : g.records) {
      o += i1 + "    - record: " + YamlScalar(r.record) + "\n";
      o += i2 + "expr: " + YamlScalar(r.expr) + "\n";
      map("labels", r.labels);
    }
    for (const auto& a : g.alerts) {
      o += i1 + "    - alert: " + YamlScalar(a.alert) + "\n";
      o += i2 + "expr: " + YamlScalar(a.expr) + "\n";
      if (a.for_ms > 0) o += i2 + "for: " + conventions::PromDuration(a.for_ms) + "\n";
      map("labels", a.labels);
      map("annotations", a.annotations);
    }
  }
}

}  // namespace

std::string YamlScalar(std::string_view s) {
  if (PlainSafe(s)) return std::string(s);
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string WritePrometheusRules(const RuleFile& file) {
  std::string out(conventions::kFileHeader);
  out += "\n";
  WriteGroups(file, "", &out);
  return out;
}

std::string WritePrometheusRule(const RuleFile& file, std::string_view name) {
  std::string out(conventions::kFileHeader);
  out += "\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: ";
  out += YamlScalar(name);
  out += "\n  labels:\n    app.kubernetes.io/name: bam\n    app.kubernetes.io/component: rules\n";
  out += "spec:\n";
  WriteGroups(file, "  ", &out);
  return out;
}

}  // namespace bam::rulesvc
