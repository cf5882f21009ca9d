#include "rulesvc/grafana/kpi_style.h"

#include <utility>
#include <vector>

namespace bam::rulesvc::grafana {
namespace {

using nlohmann::ordered_json;

ordered_json Step(std::string_view color, std::optional<double> value) {
  ordered_json s;
  s["color"] = color;
  s["value"] = value ? ordered_json(*value) : ordered_json(nullptr);
  return s;
}

bool BadWhenLow(Threshold::Op op) { return op == Threshold::Op::kLt || op == Threshold::Op::kLe; }

}  // namespace

std::string GrafanaUnit(Unit unit, std::string_view currency_symbol) {
  switch (unit) {
    case Unit::kPercent:
      return "percent";
    case Unit::kRatio:
      return "percentunit";
    case Unit::kMs:
      return "ms";
    case Unit::kSeconds:
      return "s";
    case Unit::kEur:
    case Unit::kEurPerHour:
      if (currency_symbol == "€") return "currencyEUR";
      if (currency_symbol == "$") return "currencyUSD";
      if (currency_symbol == "£") return "currencyGBP";
      return "prefix:" + std::string(currency_symbol);
    case Unit::kPerSecond:
      return "cps";
    case Unit::kPerMinute:
      return "cpm";
    case Unit::kPerHour:
      return "suffix:/h";
    case Unit::kCount:
    case Unit::kUsers:
      return "short";
  }
  return "short";
}

ordered_json ThresholdSteps(const Kpi& kpi) {
  ordered_json steps = ordered_json::array();
  const std::optional<Threshold>& w = kpi.warning;
  const std::optional<Threshold>& c = kpi.critical;
  if (!w && !c) {
    steps.push_back(Step(kNeutral, std::nullopt));
  } else if (BadWhenLow((c ? c : w)->op)) {
    // Low is bad: the worst colour is the base, better colours start at each threshold.
    steps.push_back(Step(c ? kRed : kOrange, std::nullopt));
    if (c && w) steps.push_back(Step(kOrange, c->value));
    steps.push_back(Step(kGreen, (w ? w : c)->value));
  } else {
    steps.push_back(Step(kGreen, std::nullopt));
    if (w) steps.push_back(Step(kOrange, w->value));
    if (c) steps.push_back(Step(kRed, c->value));
  }
  ordered_json t;
  t["mode"] = "absolute";
  t["steps"] = std::move(steps);
  return t;
}

std::string GrafanaLinkUrl(std::string_view url_template, std::string_view kpi) {
  std::string out;
  size_t i = 0;
  while (i < url_template.size()) {
    size_t open = url_template.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t close = url_template.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(url_template.substr(i, open - i));
    std::string_view name = url_template.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name == "start") {
      out += "${__from:date:iso}";
    } else if (name == "end") {
      out += "${__to:date:iso}";
    } else if (name == "start_ms") {
      out += "${__from}";
    } else if (name == "end_ms") {
      out += "${__to}";
    } else if (name == "kpi") {
      out += kpi;
    } else if (name == "rule_id" || name.substr(0, 6) == "label.") {
      // Nothing to put there for a panel.
    } else {
      out.append(url_template.substr(open, close + 2 - open));
    }
    i = close + 2;
  }
  out.append(url_template.substr(i));
  return out;
}

}  // namespace bam::rulesvc::grafana
