#include "loggen/testing/log_count.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace bam::loggen::testing {
namespace {

void Tally(const nlohmann::json& j, LogCount* c) {
  ++c->lines;
  std::string type = j.value("log_type", "?"), event = j.value("event", "?");
  std::string platform = j.value("platform", "?"), region = j.value("region", "?");
  ++c->by_log_type[type];
  ++c->by_event[event];
  ++c->by_platform_region[platform][region];
  ++c->by_event_platform_region[event + "/" + platform + "/" + region];
  if (type == "transaction" && j.value("status", "") == "completed" &&
      j.value("currency", "") == "EUR") {
    c->revenue_cents += Cents(j.at("amount"));
  }
  std::string ts = j.value("ts", "");
  if (c->first_ts.empty() || ts < c->first_ts) c->first_ts = ts;
  if (ts > c->last_ts) c->last_ts = ts;
}

template <typename Parse>
LogCount CountLines(std::string_view text, const LineVisitor& visit, Parse parse) {
  LogCount c;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    nlohmann::json j = parse(line);
    if (!j.is_object()) {
      ++c.unparsable;
      continue;
    }
    Tally(j, &c);
    if (visit) visit(j);
  }
  return c;
}

}  // namespace

int64_t Cents(const nlohmann::json& amount) { return std::llround(amount.get<double>() * 100.0); }

LogCount CountJsonLines(std::string_view text, const LineVisitor& visit) {
  return CountLines(text, visit, [](std::string_view line) {
    return nlohmann::json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  });
}

LogCount CountLogfmtLines(std::string_view text, const LineVisitor& visit) {
  return CountLines(text, visit, ParseLogfmt);
}

nlohmann::json ParseLogfmt(std::string_view line) {
  nlohmann::json j = nlohmann::json::object();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t eq = line.find('=', i);
    if (eq == std::string_view::npos) return nlohmann::json();
    std::string key(line.substr(i, eq - i));
    i = eq + 1;
    std::string value;
    bool quoted = i < line.size() && line[i] == '"';
    if (quoted) {
      size_t close = line.find('"', i + 1);
      if (close == std::string_view::npos) return nlohmann::json();
      value = std::string(line.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t sp = line.find(' ', i);
      if (sp == std::string_view::npos) sp = line.size();
      value = std::string(line.substr(i, sp - i));
      i = sp;
    }
    if (!quoted && (value == "true" || value == "false")) {
      j[key] = value == "true";
    } else if (!quoted && !value.empty() &&
               (std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '-') &&
               value.find_first_not_of("0123456789.-") == std::string::npos) {
      j[key] = std::stod(value);
    } else {
      j[key] = value;
    }
  }
  return j;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string WriteEcommerceStdinConfig(const std::string& dir) {
  std::string yml = ReadFile(std::string(BAM_SOURCE_DIR) + "/exporter/examples/ecommerce.yml");
  size_t sources = yml.find("\nsources:");
  size_t metrics = yml.find("\nmetrics:");
  if (sources == std::string::npos || metrics == std::string::npos) return "";
  yml = yml.substr(0, sources) +
        "\nsources:\n  - name: shop\n    stdin: {}\n    format: json\n"
        "    timestamp: {field: ts, layout: rfc3339}\n" +
        yml.substr(metrics);
  std::string path = dir + "/stdin.yml";
  std::ofstream(path) << yml;
  return path;
}

}  // namespace bam::loggen::testing
