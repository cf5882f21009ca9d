#include "rulesvc/grafana/panels.h"

#include <utility>

namespace bam::rulesvc::grafana {
namespace {

using nlohmann::ordered_json;

std::string_view TypeName(PanelType t) {
  switch (t) {
    case PanelType::kStat:
      return "stat";
    case PanelType::kTimeseries:
      return "timeseries";
    case PanelType::kTable:
      return "table";
    case PanelType::kRow:
      return "row";
  }
  return "timeseries";
}

ordered_json Target(const Query& q, size_t index, const ordered_json& datasource) {
  ordered_json t;
  t["refId"] = std::string(1, static_cast<char>('A' + index));
  t["datasource"] = datasource;
  t["expr"] = q.expr;
  t["legendFormat"] = q.legend.empty() ? "__auto" : q.legend;
  t["range"] = !q.instant;
  t["instant"] = q.instant;
  if (q.instant) t["format"] = "table";
  if (!q.interval.empty()) t["interval"] = q.interval;
  return t;
}

ordered_json Options(const PanelSpec& spec) {
  ordered_json o;
  if (spec.type == PanelType::kStat) {
    o["reduceOptions"] = {
        {"calcs", ordered_json::array({"lastNotNull"})}, {"fields", ""}, {"values", false}};
    o["colorMode"] = "background";
    o["graphMode"] = "area";
    o["justifyMode"] = "auto";
    o["orientation"] = "auto";
    o["textMode"] = "auto";
    o["wideLayout"] = true;
    o["showPercentChange"] = false;
  } else if (spec.type == PanelType::kTimeseries) {
    o["legend"] = {{"displayMode", "list"},
                   {"placement", "bottom"},
                   {"showLegend", true},
                   {"calcs", ordered_json::array()}};
    o["tooltip"] = {{"mode", "multi"}, {"sort", "desc"}};
  } else {
    o["showHeader"] = true;
    o["cellHeight"] = "sm";
    o["footer"] = {{"show", false},
                   {"reducer", ordered_json::array({"sum"})},
                   {"countRows", false},
                   {"fields", ""}};
  }
  return o;
}

}  // namespace

ordered_json PrometheusRef(std::string_view uid) {
  ordered_json r;
  r["type"] = "prometheus";
  r["uid"] = uid;
  return r;
}

ordered_json PanelLayout::GridPos(int width, int height) {
  if (x_ + width > 24) {
    y_ += row_height_;
    x_ = 0;
    row_height_ = 0;
  }
  ordered_json g;
  g["h"] = height;
  g["w"] = width;
  g["x"] = x_;
  g["y"] = y_;
  x_ += width;
  if (height > row_height_) row_height_ = height;
  return g;
}

void PanelLayout::NewRow(std::string_view title) {
  if (x_ > 0) {
    y_ += row_height_;
    x_ = 0;
    row_height_ = 0;
  }
  ordered_json p;
  p["id"] = next_id_++;
  p["type"] = "row";
  p["title"] = title;
  p["collapsed"] = false;
  p["gridPos"] = GridPos(24, 1);
  p["panels"] = ordered_json::array();
  panels_.push_back(std::move(p));
}

void PanelLayout::Add(const PanelSpec& spec) {
  const ordered_json ds = PrometheusRef(datasource_uid_);
  ordered_json p;
  p["id"] = next_id_++;
  p["type"] = TypeName(spec.type);
  p["title"] = spec.title;
  p["description"] = spec.description;
  p["datasource"] = ds;
  p["gridPos"] = GridPos(spec.width, spec.height);

  ordered_json defaults;
  defaults["unit"] = spec.unit;
  defaults["color"] = {
      {"mode", spec.type == PanelType::kTimeseries ? "palette-classic" : "thresholds"}};
  if (spec.thresholds.is_null()) {
    defaults["thresholds"] = {
        {"mode", "absolute"},
        {"steps", ordered_json::array({{{"color", "green"}, {"value", nullptr}}})}};
  } else {
    defaults["thresholds"] = spec.thresholds;
  }
  defaults["mappings"] = ordered_json::array();
  if (spec.type == PanelType::kTimeseries) {
    defaults["custom"] = {{"drawStyle", "line"},
                          {"lineWidth", 1},
                          {"fillOpacity", 10},
                          {"showPoints", "never"},
                          {"spanNulls", false}};
  }
  p["fieldConfig"] = {{"defaults", std::move(defaults)}, {"overrides", ordered_json::array()}};
  p["options"] = Options(spec);

  ordered_json targets = ordered_json::array();
  for (size_t i = 0; i < spec.queries.size(); ++i)
    targets.push_back(Target(spec.queries[i], i, ds));
  p["targets"] = std::move(targets);
  if (spec.type == PanelType::kTable) {
    // ALERTS as a table: one row per alert, without the sample's time and value columns.
    p["transformations"] = ordered_json::array(
        {{{"id", "organize"},
          {"options",
           {{"excludeByName", {{"Time", true}, {"Value", true}, {"__name__", true}}},
            {"indexByName", ordered_json::object()},
            {"renameByName", ordered_json::object()}}}}});
  }
  ordered_json links = ordered_json::array();
  for (const PanelLink& l : spec.links) {
    // The schema types panel links as dashboard links: every field is spelt out.
    ordered_json link;
    link["title"] = l.title;
    link["type"] = "link";
    link["url"] = l.url;
    link["icon"] = "external link";
    link["tooltip"] = "";
    link["tags"] = ordered_json::array();
    link["asDropdown"] = false;
    link["includeVars"] = false;
    link["keepTime"] = false;  // the URL carries the time range itself
    link["targetBlank"] = true;
    links.push_back(std::move(link));
  }
  p["links"] = std::move(links);
  panels_.push_back(std::move(p));
}

}  // namespace bam::rulesvc::grafana
