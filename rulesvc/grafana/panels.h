// Grafana panel JSON from small value types: queries, stat / time series / table panels, and a
// layout that hands out panel ids and grid positions in reading order. Deterministic: the same
// specs give byte-identical JSON. Not thread-safe (PanelLayout is mutable).
#ifndef BAM_RULESVC_GRAFANA_PANELS_H_
#define BAM_RULESVC_GRAFANA_PANELS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bam::rulesvc::grafana {

// One Prometheus query of a panel.
struct Query {
  std::string expr;
  std::string legend;    // legendFormat ("" = Grafana's default)
  bool instant = false;  // tables of current state (ALERTS)
  std::string interval;  // minimum step ("$granularity"); "" = Grafana's choice
};

struct PanelLink {
  std::string title;
  std::string url;
};

enum class PanelType { kStat, kTimeseries, kTable, kRow };

struct PanelSpec {
  PanelType type = PanelType::kTimeseries;
  std::string title;
  std::string description;
  std::string unit = "short";
  std::vector<Query> queries;
  nlohmann::ordered_json thresholds;  // null: a neutral single step
  std::vector<PanelLink> links;
  int width = 12;  // of 24 columns
  int height = 8;  // grid rows
};

// {"type": "prometheus", "uid": uid}.
nlohmann::ordered_json PrometheusRef(std::string_view uid);

// Panel ids from 1 and grid positions: panels fill a row left to right, wrap at 24 columns;
// NewRow() starts a full-width row header.
class PanelLayout {
 public:
  explicit PanelLayout(std::string datasource_uid) : datasource_uid_(std::move(datasource_uid)) {}

  // Appends the panel built from `spec` to the layout's panels.
  void Add(const PanelSpec& spec);
  // A collapsed=false row titled `title` across the full width.
  void NewRow(std::string_view title);

  const nlohmann::ordered_json& panels() const { return panels_; }

 private:
  nlohmann::ordered_json GridPos(int width, int height);

  std::string datasource_uid_;
  nlohmann::ordered_json panels_ = nlohmann::ordered_json::array();
  int next_id_ = 1;
  int x_ = 0;
  int y_ = 0;
  int row_height_ = 0;
};

}  // namespace bam::rulesvc::grafana

#endif  // BAM_RULESVC_GRAFANA_PANELS_H_
