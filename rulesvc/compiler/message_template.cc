#include "rulesvc/compiler/message_template.h"

#include <algorithm>

namespace bam::rulesvc {
namespace {

// Groups thousands with a space: "1234567" -> "1 234 567". RE2 has no look-ahead, so the greedy
// pattern peels one group per pass; four passes cover 10^15.
constexpr std::string_view kGroupThousands =
    R"re( | reReplaceAll "^(-?\\d+)(\\d{3})" "${1} ${2}")re";

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

std::string FormatValueTemplate(std::string_view input, Unit unit, std::string_view currency) {
  std::string in(input);
  std::string grouped = "{{ " + in + " | printf \"%.0f\"" + Repeat(kGroupThousands, 4) + " }}";
  switch (unit) {
    case Unit::kPercent:
      return "{{ " + in + " | printf \"%.1f\" }}";
    case Unit::kRatio:
      return "{{ " + in + " | printf \"%.3f\" }}";
    case Unit::kSeconds:
      return "{{ " + in + " | printf \"%.2f\" }}";
    case Unit::kEur:
      return grouped + " " + std::string(currency);
    case Unit::kEurPerHour:
      return grouped + " " + std::string(currency) + "/h";
    case Unit::kMs:
    case Unit::kCount:
    case Unit::kUsers:
    case Unit::kPerHour:
    case Unit::kPerMinute:
    case Unit::kPerSecond:
      return grouped;
  }
  return grouped;
}

std::string QueryValueTemplate(const Kpi& kpi, std::string_view record,
                               const std::vector<std::string>& labels, std::string_view currency) {
  std::string selector(record);
  std::string args;
  std::vector<std::string> kept;
  for (const auto& l : kpi.by) {
    if (std::find(labels.begin(), labels.end(), l) != labels.end()) kept.push_back(l);
  }
  if (!kept.empty()) {
    selector += "{";
    for (size_t i = 0; i < kept.size(); ++i) {
      if (i) selector += ",";
      // %q prints a Go-quoted string, which is a valid PromQL string literal.
      selector += kept[i] + "=%q";
      args += " $labels." + kept[i];
    }
    selector += "}";
  }
  return "{{ with printf \"" + selector + "\"" + args + " | query }}" +
         FormatValueTemplate(". | first | value", kpi.unit, currency) + "{{ else }}n/a{{ end }}";
}

std::string CompileMessage(const TextAt& text, const MessageContext& ctx,
                           const std::function<std::string(const Kpi&)>& record_of,
                           DiagnosticList* diags) {
  const std::string& s = text.text;
  const std::string& currency = ctx.catalog->settings.currency_symbol;
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("{{", i);
    if (open == std::string::npos) {
      out += s.substr(i);
      break;
    }
    out += s.substr(i, open - i);
    size_t close = s.find("}}", open + 2);
    if (close == std::string::npos) {
      diags->Add(text.file, text.At(open), text.path, "unterminated \"{{\" in the message",
                 "closing it: \"{{" + Trim(s.substr(open + 2, 20)) + "}}\"");
      return "";
    }
    std::string name = Trim(std::string_view(s).substr(open + 2, close - open - 2));
    bool ident = !name.empty() && std::all_of(name.begin(), name.end(), IsIdentChar);
    std::vector<std::string> known = {"value", "rule_id", "rule_name", "kpi_name"};
    for (const auto& k : ctx.catalog->kpis) known.push_back(k.id);
    for (const auto& l : ctx.labels) known.push_back(l);
    const Kpi* kpi = ident ? ctx.catalog->FindKpi(name) : nullptr;
    bool is_label = std::find(ctx.labels.begin(), ctx.labels.end(), name) != ctx.labels.end();
    if (kpi != nullptr) {
      if (kpi == ctx.kpi && ctx.value_is_kpi) {
        out += FormatValueTemplate("$value", kpi->unit, currency);
      } else {
        out += QueryValueTemplate(*kpi, record_of(*kpi), ctx.labels, currency);
      }
    } else if (is_label) {
      out += "{{ $labels." + name + " }}";
    } else if (name == "value") {
      out += FormatValueTemplate("$value", ctx.kpi ? ctx.kpi->unit : Unit::kCount, currency);
    } else if (name == "rule_id") {
      out += ctx.rule->id;
    } else if (name == "rule_name") {
      out += ctx.rule->name;
    } else if (name == "kpi_name") {
      out += ctx.kpi ? ctx.kpi->name : "";
    } else {
      std::string close_name = SuggestClosest(name, known);
      std::string hint = close_name.empty()
                             ? "a KPI id, one of the alert's labels (" + JoinNames(ctx.labels) +
                                   ") or value, rule_id, rule_name, kpi_name"
                             : "\"{{" + close_name + "}}\"";
      diags->Add(text.file, text.At(open), text.path,
                 "unknown variable \"{{" + name + "}}\" in the message", hint);
    }
    i = close + 2;
  }
  return out;
}

}  // namespace bam::rulesvc
