#include "exporter/config/config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace bam::exporter {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "bam_config_test_XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = (fs::path(path_) / name).string();
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Diagnostics of ParseConfig("c.yml", text), formatted; "" when the config is valid.
std::string Errors(const std::string& text) {
  DiagnosticList diags;
  std::optional<Config> config = ParseConfig(text, "c.yml", &diags);
  EXPECT_EQ(config.has_value(), diags.empty()) << diags.Format();
  return diags.Format();
}

Config MustParse(const std::string& text) {
  DiagnosticList diags;
  std::optional<Config> config = ParseConfig(text, "c.yml", &diags);
  EXPECT_TRUE(config.has_value()) << diags.Format();
  return config.value_or(Config{});
}

// The example configuration of the spec (shared/specs/exporter-config.md), line for line.
constexpr const char* kSpecExample = R"(sources:
  - name: shop                          # [a-z0-9_]+, unique
    file:
      paths: [/var/log/shop/*.jsonl]    # globs; new matching files are picked up while running
      start_at: end                     # end (default) | beginning — only for files never seen before
    format: json                        # json | logfmt | regex
    timestamp: {field: ts, layout: rfc3339}   # optional; layouts: rfc3339, unix, unix_ms, strftime "%d/%b/%Y:%H:%M:%S %z"
  - name: nginx
    file: {paths: [/var/log/nginx/access.log]}
    format: regex
    pattern: '^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) (?P<bytes>\d+|-)'
  - name: pipe
    stdin: {}
    format: logfmt
  - name: push
    http: {path: /ingest, max_body_bytes: 10485760}   # POST NDJSON (or one line per line for logfmt/regex)
    format: json
  - name: orders
    kafka: {brokers: ["127.0.0.1:9092"], topics: [orders], group: bam-exporter}   # any librdkafka property under `properties:`
    format: json

lookups:
  segment:                              # used as lookup("segment", key)
    csv: crm_segments.csv               # relative to the config file; header row names the columns
    key: customer_id
    value: segment
    default: unknown                    # returned when the key is missing

metrics:
  - name: bam_checkouts_total           # validated as a Prometheus metric name
    type: counter                       # counter | gauge | histogram | unique | duration
    help: Checkout attempts by outcome.
    sources: [shop]                     # optional; default: all sources
    when: log_type == "transaction"     # optional; default: every line
    value: 1                            # counter: amount to add (default 1); gauge: value to set
    labels:                             # label name -> expression
      status: status
      platform: platform
      segment: lookup("segment", user_id)
    max_series: 10000                   # optional budget; extra label sets fold into one series whose
                                        # label values are all "__overflow__", and are counted
  - name: bam_revenue_eur_total
    type: counter
    when: log_type == "transaction" and status == "completed"
    value: amount
  - name: bam_category_revenue_eur_total
    type: counter
    each: products                      # evaluate once per element of an array field; inside, `item.x`
    value: item.taxful_price
    labels: {category: item.category}
  - name: bam_api_response_seconds
    type: histogram
    when: log_type == "performance"
    value: response_time_ms / 1000
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    labels: {endpoint: endpoint}
  - name: bam_active_users              # exported as a gauge
    type: unique                        # distinct values of `key` seen in the sliding `window`
    key: user_id
    window: 24h
    when: log_type == "user_behavior"
  - name: bam_order_fulfilment_seconds  # exported as a histogram, plus
    type: duration                      #   <name>_orphans_total (end without start) and
    key: order_id                       #   <name>_timeouts_total (start without end within timeout)
    start: event == "order_created"
    end: event == "order_shipped"
    timeout: 72h
    buckets: [60, 600, 3600, 21600, 86400, 259200]
)";

void ExpectExpr(const ExprText& e, const std::string& text, int line, int column,
                const std::string& path) {
  EXPECT_EQ(e.text, text) << path;
  EXPECT_EQ(e.pos.line, line) << path;
  EXPECT_EQ(e.pos.column, column) << path;
  EXPECT_EQ(e.path, path);
}

TEST(LoadConfigTest, SpecExampleLandsInEveryField) {
  TempDir dir;
  std::string file = dir.Write("exporter.yml", kSpecExample);
  dir.Write("crm_segments.csv", "customer_id,segment\nc1,gold\n");
  DiagnosticList diags;
  std::optional<Config> c = LoadConfig(file, &diags);
  ASSERT_TRUE(c.has_value()) << diags.Format();
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(c->file, file);
  EXPECT_EQ(c->dir, dir.path());

  ASSERT_EQ(c->sources.size(), 5u);
  const SourceConfig& shop = c->sources[0];
  EXPECT_EQ(shop.name, "shop");
  EXPECT_EQ(shop.path, "sources[0]");
  EXPECT_EQ(shop.pos.line, 2);
  EXPECT_EQ(shop.pos.column, 5);
  EXPECT_EQ(shop.kind, SourceKind::kFile);
  EXPECT_EQ(shop.file.paths, std::vector<std::string>{"/var/log/shop/*.jsonl"});
  EXPECT_EQ(shop.file.start_at, StartAt::kEnd);
  EXPECT_EQ(shop.format, SourceFormat::kJson);
  ASSERT_TRUE(shop.timestamp.has_value());
  EXPECT_EQ(shop.timestamp->field, "ts");
  EXPECT_EQ(shop.timestamp->layout, "rfc3339");
  EXPECT_EQ(shop.timestamp->layout_pos.line, 7);
  EXPECT_EQ(shop.timestamp->layout_pos.column, 36);
  EXPECT_TRUE(shop.pattern.empty());
  EXPECT_EQ(shop.max_line_bytes, 1u << 20);

  const SourceConfig& nginx = c->sources[1];
  EXPECT_EQ(nginx.format, SourceFormat::kRegex);
  EXPECT_EQ(nginx.file.paths, std::vector<std::string>{"/var/log/nginx/access.log"});
  ExpectExpr(
      nginx.pattern,
      R"(^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) (?P<bytes>\d+|-))",
      11, 15, "sources[1].pattern");
  EXPECT_FALSE(nginx.timestamp.has_value());

  EXPECT_EQ(c->sources[2].name, "pipe");
  EXPECT_EQ(c->sources[2].kind, SourceKind::kStdin);
  EXPECT_EQ(c->sources[2].format, SourceFormat::kLogfmt);

  const SourceConfig& push = c->sources[3];
  EXPECT_EQ(push.kind, SourceKind::kHttp);
  EXPECT_EQ(push.http.path, "/ingest");
  EXPECT_EQ(push.http.max_body_bytes, 10485760u);
  EXPECT_EQ(push.http.bearer_token, "");

  const SourceConfig& orders = c->sources[4];
  EXPECT_EQ(orders.kind, SourceKind::kKafka);
  EXPECT_EQ(orders.kafka.brokers, std::vector<std::string>{"127.0.0.1:9092"});
  EXPECT_EQ(orders.kafka.topics, std::vector<std::string>{"orders"});
  EXPECT_EQ(orders.kafka.group, "bam-exporter");
  EXPECT_TRUE(orders.kafka.properties.empty());

  ASSERT_EQ(c->lookups.size(), 1u);
  const LookupConfig& seg = c->lookups[0];
  EXPECT_EQ(seg.name, "segment");
  EXPECT_EQ(seg.path, "lookups.segment");
  EXPECT_EQ(seg.pos.line, 23);
  EXPECT_EQ(seg.pos.column, 3);
  EXPECT_EQ(seg.csv, (fs::path(dir.path()) / "crm_segments.csv").string());
  EXPECT_EQ(seg.csv_as_written, "crm_segments.csv");
  EXPECT_EQ(seg.key, "customer_id");
  EXPECT_EQ(seg.value, "segment");
  EXPECT_EQ(seg.default_value, "unknown");

  ASSERT_EQ(c->metrics.size(), 6u);
  const MetricConfig& checkouts = c->metrics[0];
  EXPECT_EQ(checkouts.name, "bam_checkouts_total");
  EXPECT_EQ(checkouts.path, "metrics[0]");
  EXPECT_EQ(checkouts.pos.line, 30);
  EXPECT_EQ(checkouts.type, MetricType::kCounter);
  EXPECT_EQ(checkouts.help, "Checkout attempts by outcome.");
  EXPECT_EQ(checkouts.sources, std::vector<std::string>{"shop"});
  ExpectExpr(checkouts.when, "log_type == \"transaction\"", 34, 11, "metrics[0].when");
  ExpectExpr(checkouts.value, "1", 35, 12, "metrics[0].value");
  ASSERT_EQ(checkouts.labels.size(), 3u);
  EXPECT_EQ(checkouts.labels[0].name, "status");
  EXPECT_EQ(checkouts.labels[0].pos.line, 37);
  EXPECT_EQ(checkouts.labels[0].pos.column, 7);
  ExpectExpr(checkouts.labels[0].expr, "status", 37, 15, "metrics[0].labels.status");
  EXPECT_EQ(checkouts.labels[1].name, "platform");
  ExpectExpr(checkouts.labels[2].expr, "lookup(\"segment\", user_id)", 39, 16,
             "metrics[0].labels.segment");
  EXPECT_EQ(checkouts.max_series, 10000u);
  EXPECT_TRUE(checkouts.each.empty());
  EXPECT_TRUE(checkouts.buckets.empty());
  EXPECT_EQ(checkouts.expire_after_ms, 0);

  ExpectExpr(c->metrics[1].when, "log_type == \"transaction\" and status == \"completed\"", 44, 11,
             "metrics[1].when");
  EXPECT_TRUE(c->metrics[1].sources.empty());
  EXPECT_TRUE(c->metrics[1].labels.empty());

  const MetricConfig& category = c->metrics[2];
  ExpectExpr(category.each, "products", 48, 11, "metrics[2].each");
  ExpectExpr(category.value, "item.taxful_price", 49, 12, "metrics[2].value");
  ASSERT_EQ(category.labels.size(), 1u);
  ExpectExpr(category.labels[0].expr, "item.category", 50, 24, "metrics[2].labels.category");

  const MetricConfig& api = c->metrics[3];
  EXPECT_EQ(api.type, MetricType::kHistogram);
  EXPECT_EQ(api.buckets, (std::vector<double>{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}));
  ExpectExpr(api.value, "response_time_ms / 1000", 54, 12, "metrics[3].value");

  const MetricConfig& active = c->metrics[4];
  EXPECT_EQ(active.type, MetricType::kUnique);
  ExpectExpr(active.key, "user_id", 59, 10, "metrics[4].key");
  EXPECT_EQ(active.window_ms, 24 * 3600 * 1000LL);
  EXPECT_TRUE(active.value.empty());

  const MetricConfig& fulfil = c->metrics[5];
  EXPECT_EQ(fulfil.type, MetricType::kDuration);
  ExpectExpr(fulfil.key, "order_id", 64, 10, "metrics[5].key");
  ExpectExpr(fulfil.start, "event == \"order_created\"", 65, 12, "metrics[5].start");
  ExpectExpr(fulfil.end, "event == \"order_shipped\"", 66, 10, "metrics[5].end");
  EXPECT_EQ(fulfil.timeout_ms, 72 * 3600 * 1000LL);
  EXPECT_EQ(fulfil.buckets, (std::vector<double>{60, 600, 3600, 21600, 86400, 259200}));
}

// The example as the spec file itself has it, so the contract and the loader cannot drift apart.
TEST(LoadConfigTest, SpecFileExampleLoads) {
  std::ifstream spec(BAM_SHARED_DIR "/specs/exporter-config.md");
  ASSERT_TRUE(spec) << "../shared/specs/exporter-config.md must sit beside the project";
  std::stringstream text;
  text << spec.rdbuf();
  std::string s = text.str();
  size_t begin = s.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  std::string yaml = s.substr(begin, s.find("```", begin) - begin);
  TempDir dir;
  std::string file = dir.Write("exporter.yml", yaml);
  dir.Write("crm_segments.csv", "customer_id,segment\n");
  DiagnosticList diags;
  EXPECT_TRUE(LoadConfig(file, &diags).has_value()) << diags.Format();
}

TEST(LoadConfigTest, RelativePathsResolveAgainstTheConfigDirectory) {
  TempDir dir;
  dir.Write("segments.csv", "id,seg\n");
  std::string file = dir.Write("bam.yml", R"(sources:
  - name: app
    file: {paths: [logs/*.log, /abs/x.log, ../up.log], start_at: beginning}
    format: json
lookups:
  seg: {csv: ./segments.csv, key: id, value: seg}
metrics:
  - {name: bam_lines_total, type: counter}
)");
  DiagnosticList diags;
  std::optional<Config> c = LoadConfig(file, &diags);
  ASSERT_TRUE(c.has_value()) << diags.Format();
  fs::path d = dir.path();
  EXPECT_EQ(c->sources[0].file.paths,
            (std::vector<std::string>{(d / "logs/*.log").string(), "/abs/x.log",
                                      (d.parent_path() / "up.log").string()}));
  EXPECT_EQ(c->sources[0].file.start_at, StartAt::kBeginning);
  EXPECT_EQ(c->lookups[0].csv, (d / "segments.csv").string());
  EXPECT_EQ(c->lookups[0].csv_as_written, "./segments.csv");
}

TEST(LoadConfigTest, MissingFileIsOneDiagnosticNotAnException) {
  DiagnosticList diags;
  EXPECT_FALSE(LoadConfig("/nonexistent/bam.yml", &diags).has_value());
  EXPECT_EQ(diags.Format(),
            "/nonexistent/bam.yml: cannot read config file: No such file or directory\n");
}

TEST(LoadConfigTest, MissingLookupCsvIsReportedAtTheCsvField) {
  TempDir dir;
  std::string file = dir.Write("bam.yml", R"(sources: [{name: app, stdin: {}, format: json}]
lookups:
  seg:
    csv: nothere.csv
    key: id
    value: seg
metrics: [{name: bam_lines_total, type: counter}]
)");
  DiagnosticList diags;
  EXPECT_FALSE(LoadConfig(file, &diags).has_value());
  EXPECT_EQ(diags.Format(), file + ":4:10: lookups.seg.csv: cannot find CSV file \"nothere.csv\" " +
                                "(looked for " + dir.path() + "/nothere.csv)\n" +
                                "\tTry a path relative to the config file's directory, or an "
                                "absolute one\n");
}

TEST(ParseConfigTest, ReportsEveryMistakeInLineOrder) {
  const std::string text = R"(sources:
  - name: shop
    file: {paths: [shop.log]}
    format: json
  - name: shop
    stdin: {}
    format: json
metrics:
  - name: bam_orders_total
    type: counter
    lables: {region: region}
  - name: bam-cart-value
    type: gauge
    value: cart_value
  - name: bam_revenue_total
    type: summary
  - name: bam_stock_level
    type: gauge
  - name: bam_latency_seconds
    type: histogram
    value: latency_ms / 1000
    buckets: [0.1, 0.5, 0.25, 1]
)";
  EXPECT_EQ(Errors(text),
            "c.yml:5:11: sources[1].name: duplicate source name \"shop\"\n"
            "\tTry a unique name; \"shop\" is already used at line 2\n"
            "c.yml:11:5: metrics[0].lables: unknown field \"lables\"\n"
            "\tTry \"labels\"\n"
            "c.yml:12:11: metrics[1].name: invalid metric name \"bam-cart-value\"\n"
            "\tTry \"bam_cart_value\"\n"
            "c.yml:16:11: metrics[2].type: unknown metric type \"summary\"\n"
            "\tTry one of: counter, gauge, histogram, unique, duration\n"
            "c.yml:17:5: metrics[3]: missing required field \"value\" (type: gauge)\n"
            "\tTry value: <expression>, the number the gauge is set to\n"
            "c.yml:22:25: metrics[4].buckets[2]: buckets must be strictly increasing; 0.25 "
            "follows 0.5\n"
            "\tTry buckets: [0.1, 0.25, 0.5, 1]\n");
}

struct InvalidCase {
  const char* name;
  const char* yaml;
  const char* errors;
};

// Lines 1-5; metric snippets start at line 6.
constexpr const char* kPrefix =
    "sources:\n"
    "  - name: app\n"
    "    stdin: {}\n"
    "    format: json\n"
    "metrics:\n";

std::string CaseName(const testing::TestParamInfo<InvalidCase>& param_info) {
  return param_info.param.name;
}

class InvalidMetricTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidMetricTest, ReportsExactDiagnostics) {
  EXPECT_EQ(Errors(std::string(kPrefix) + GetParam().yaml), GetParam().errors);
}

const InvalidCase kInvalidMetrics[] = {
    {"UnknownFieldWithSuggestion",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    max_serie: 10\n",
     "c.yml:8:5: metrics[0].max_serie: unknown field \"max_serie\"\n\tTry \"max_series\"\n"},
    {"DuplicateField",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    name: bam_y_total\n",
     "c.yml:8:5: metrics[0].name: duplicate field \"name\"\n"
     "\tTry removing one of them; only one is allowed\n"},
    {"MissingNameAndType", "  - help: nothing else\n",
     "c.yml:6:5: metrics[0]: missing required field \"type\"\n"
     "\tTry type: counter (or gauge, histogram, unique, duration)\n"
     "c.yml:6:5: metrics[0]: missing required field \"name\"\n\tTry name: bam_orders_total\n"},
    {"ReservedPrefix", "  - {name: bam_exporter_lines_total, type: counter}\n",
     "c.yml:6:12: metrics[0].name: metric names starting with \"bam_exporter_\" are reserved for "
     "the exporter's own metrics\n\tTry another prefix, such as \"bam_\"\n"},
    {"DuplicateMetricName",
     "  - {name: bam_x_total, type: counter}\n"
     "  - {name: bam_x_total, type: gauge, value: v}\n",
     "c.yml:7:12: metrics[1].name: metric name \"bam_x_total\" is already used by metrics[0]\n"
     "\tTry a unique name\n"},
    {"ExpireAfterOnDuration",
     "  - {name: bam_wait, type: duration, key: id, start: a, end: b, timeout: 1h, "
     "expire_after: 1h}\n",
     "c.yml:6:78: metrics[0].expire_after: \"expire_after\" does not apply to duration metrics\n"
     "\tTry removing it (pending starts end by `timeout`; the histogram's series stay)\n"},
    {"SameMetricFedByTwoMappingsInAnyLabelOrder",
     "  - {name: bam_x_total, type: counter, labels: {a: a, b: b}}\n"
     "  - {name: bam_x_total, type: counter, labels: {b: x, a: y}}\n",
     ""},
    {"SameMetricFedByTwoMappingsNeedsSameLabels",
     "  - {name: bam_x_total, type: counter, labels: {a: a}}\n"
     "  - {name: bam_x_total, type: counter, labels: {b: b}}\n",
     "c.yml:7:12: metrics[1].name: metric \"bam_x_total\" is also fed by metrics[0] with other "
     "label names\n\tTry the same label names in every mapping of a metric, or another name\n"},
    {"SameHistogramFedByTwoMappingsNeedsSameBuckets",
     "  - {name: bam_h, type: histogram, value: v, buckets: [1, 2]}\n"
     "  - {name: bam_h, type: histogram, value: w, buckets: [1, 3]}\n",
     "c.yml:7:12: metrics[1].name: metric \"bam_h\" is also fed by metrics[0] with other "
     "buckets\n\tTry the same buckets in every mapping of a metric, or another name\n"},
    {"HistogramSeriesCollideWithCounter",
     "  - {name: bam_rt_count, type: counter}\n"
     "  - {name: bam_rt, type: histogram, value: rt}\n",
     "c.yml:7:12: metrics[1].name: \"bam_rt_count\" (exported by this histogram) is already used "
     "by metrics[0]\n\tTry a unique name\n"},
    {"BadLabelNames",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    labels: {user-id: user, __kind: kind, ok: ok}\n",
     "c.yml:8:14: metrics[0].labels.user-id: invalid label name \"user-id\"\n\tTry \"user_id\"\n"
     "c.yml:8:29: metrics[0].labels.__kind: label names starting with \"__\" are reserved\n"
     "\tTry \"_kind\"\n"},
    {"LeOnHistogram", "  - {name: bam_rt, type: histogram, value: rt, labels: {le: x}}\n",
     "c.yml:6:57: metrics[0].labels.le: label \"le\" is reserved for histogram buckets\n"
     "\tTry another name, such as \"limit\"\n"},
    {"ExpressionIsAList",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    when: [a, b]\n",
     "c.yml:8:11: metrics[0].when: expected an expression, found a list\n"},
    {"ExpressionIsEmpty",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    when: \"\"\n"
     "    value:\n",
     "c.yml:8:11: metrics[0].when: expression is empty\n"
     "c.yml:9:5: metrics[0].value: expected an expression, found nothing\n"},
    {"LabelValueIsAMapping",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    labels:\n"
     "      region:\n"
     "        field: region\n",
     "c.yml:10:9: metrics[0].labels.region: expected an expression, found a mapping\n"},
    {"FieldsThatDoNotApply",
     "  - name: bam_x_total\n"
     "    type: counter\n"
     "    buckets: [1, 2]\n"
     "  - name: bam_g\n"
     "    type: gauge\n"
     "    value: v\n"
     "    window: 5m\n",
     "c.yml:8:5: metrics[0].buckets: \"buckets\" does not apply to counter metrics\n"
     "\tTry removing it (buckets is for histogram and duration metrics)\n"
     "c.yml:12:5: metrics[1].window: \"window\" does not apply to gauge metrics\n"
     "\tTry removing it (window is for unique metrics)\n"},
    {"UniqueNeedsKeyAndWindow", "  - {name: bam_users, type: unique, value: x}\n",
     "c.yml:6:5: metrics[0]: missing required field \"key\" (type: unique)\n"
     "\tTry key: user_id, the value counted once per window\n"
     "c.yml:6:5: metrics[0]: missing required field \"window\" (type: unique)\n"
     "\tTry window: 24h\n"
     "c.yml:6:37: metrics[0].value: \"value\" does not apply to unique metrics\n"
     "\tTry removing it (value is for counter, gauge and histogram metrics)\n"},
    {"DurationNeedsStartEndTimeout",
     "  - name: bam_wait_seconds\n"
     "    type: duration\n"
     "    key: id\n",
     "c.yml:6:5: metrics[0]: missing required field \"start\" (type: duration)\n"
     "\tTry start: event == \"order_created\"\n"
     "c.yml:6:5: metrics[0]: missing required field \"end\" (type: duration)\n"
     "\tTry end: event == \"order_shipped\"\n"
     "c.yml:6:5: metrics[0]: missing required field \"timeout\" (type: duration)\n"
     "\tTry timeout: 72h\n"},
    {"DurationExportsCollide",
     "  - {name: bam_wait_orphans_total, type: counter}\n"
     "  - {name: bam_wait, type: duration, key: id, start: a, end: b, timeout: 1h}\n",
     "c.yml:7:12: metrics[1].name: \"bam_wait_orphans_total\" (exported by this duration) is "
     "already used by metrics[0]\n\tTry a unique name\n"},
    {"BucketsRepeatAndInfinity",
     "  - {name: bam_a, type: histogram, value: v, buckets: [1, 1, 2]}\n"
     "  - {name: bam_b, type: histogram, value: v, buckets: [1, +Inf]}\n"
     "  - {name: bam_c, type: histogram, value: v, buckets: [1, fast]}\n"
     "  - {name: bam_d, type: histogram, value: v, buckets: 0.5}\n"
     "  - {name: bam_e, type: histogram, value: v, buckets: []}\n",
     "c.yml:6:59: metrics[0].buckets[1]: buckets must be strictly increasing; 1 repeats 1\n"
     "\tTry buckets: [1, 2]\n"
     "c.yml:7:59: metrics[1].buckets[1]: bucket bounds must be finite, found \"+Inf\"\n"
     "\tTry leaving it out; the +Inf bucket is always added\n"
     "c.yml:8:59: metrics[2].buckets[1]: expected a number, found \"fast\"\n"
     "c.yml:9:55: metrics[3].buckets: expected a list, found \"0.5\"\n\tTry buckets: [0.5]\n"
     "c.yml:10:55: metrics[4].buckets: empty list\n"
     "\tTry leaving out \"buckets\" for the default ones\n"},
    {"BadDurationsAndCounts",
     "  - name: bam_u\n"
     "    type: unique\n"
     "    key: id\n"
     "    window: 0s\n"
     "    expire_after: 5 min\n"
     "    max_series: 0\n"
     "  - name: bam_v\n"
     "    type: unique\n"
     "    key: id\n"
     "    window: 60\n"
     "    max_series: -3\n",
     "c.yml:9:13: metrics[0].window: duration must be greater than 0\n"
     "\tTry a duration such as 250ms, 30s, 5m, 1h30m, 24h or 7d\n"
     "c.yml:10:19: metrics[0].expire_after: invalid duration \"5 min\"\n"
     "\tTry a duration such as 250ms, 30s, 5m, 1h30m, 24h or 7d\n"
     "c.yml:11:17: metrics[0].max_series: expected a positive integer, found \"0\"\n"
     "c.yml:15:13: metrics[1].window: invalid duration \"60\"\n"
     "\tTry a duration such as 250ms, 30s, 5m, 1h30m, 24h or 7d\n"
     "c.yml:16:17: metrics[1].max_series: expected a positive integer, found \"-3\"\n"},
    {"UnknownSourceReference",
     "  - {name: bam_x_total, type: counter, sources: [ap, app, app]}\n"
     "  - {name: bam_y_total, type: counter, sources: app}\n",
     "c.yml:6:50: metrics[0].sources[0]: unknown source \"ap\"\n\tTry \"app\"\n"
     "c.yml:6:59: metrics[0].sources[2]: source \"app\" is listed twice\n"
     "c.yml:7:49: metrics[1].sources: expected a list, found \"app\"\n\tTry sources: [app]\n"},
    {"MetricIsNotAMapping", "  - bam_x_total\n",
     "c.yml:6:5: metrics[0]: expected a mapping, found \"bam_x_total\"\n"},
};

INSTANTIATE_TEST_SUITE_P(Metrics, InvalidMetricTest, testing::ValuesIn(kInvalidMetrics), CaseName);

class InvalidSourceTest : public testing::TestWithParam<InvalidCase> {};

// Source snippets start at line 2; a valid metric follows them.
TEST_P(InvalidSourceTest, ReportsExactDiagnostics) {
  EXPECT_EQ(Errors(std::string("sources:\n") + GetParam().yaml +
                   "metrics: [{name: bam_lines_total, type: counter}]\n"),
            GetParam().errors);
}

const InvalidCase kInvalidSources[] = {
    {"PathsIsAString",
     "  - name: app\n"
     "    file: {paths: /var/log/app.log}\n"
     "    format: json\n",
     "c.yml:3:19: sources[0].file.paths: expected a list, found \"/var/log/app.log\"\n"
     "\tTry paths: [/var/log/app.log]\n"},
    {"NoPaths",
     "  - name: app\n"
     "    file: {paths: []}\n"
     "    format: json\n"
     "  - name: app2\n"
     "    file: {start_at: middle}\n"
     "    format: json\n",
     "c.yml:3:19: sources[0].file.paths: at least one path is required\n"
     "\tTry paths: [/var/log/app.log]\n"
     "c.yml:6:11: sources[1].file: missing required field \"paths\"\n"
     "\tTry paths: [/var/log/app.log]\n"
     "c.yml:6:22: sources[1].file.start_at: unknown start_at \"middle\"\n"
     "\tTry one of: end, beginning\n"},
    {"NameFormatAndInput",
     "  - name: Shop-EU\n"
     "    format: jsonl\n",
     "c.yml:2:5: sources[0]: missing input: one of file, stdin, http, kafka\n"
     "\tTry file: {paths: [/var/log/app.log]}\n"
     "c.yml:2:11: sources[0].name: invalid source name \"Shop-EU\"\n"
     "\tTry a name made of a-z, 0-9 and _, such as \"shop_eu\"\n"
     "c.yml:3:13: sources[0].format: unknown format \"jsonl\"\n"
     "\tTry one of: json, logfmt, regex\n"},
    {"MissingNameAndFormat", "  - stdin:\n",
     "c.yml:2:5: sources[0]: missing required field \"name\"\n\tTry name: shop\n"
     "c.yml:2:5: sources[0]: missing required field \"format\"\n"
     "\tTry format: json (or logfmt, regex)\n"},
    {"TwoInputs",
     "  - name: app\n"
     "    stdin: {}\n"
     "    http: {path: /in}\n"
     "    format: json\n",
     "c.yml:4:5: sources[0].http: a source has exactly one input; found \"stdin\" and \"http\"\n"
     "\tTry splitting it into two sources\n"},
    {"TwoStdinSources",
     "  - {name: a, stdin: {}, format: json}\n"
     "  - {name: b, stdin: {}, format: json}\n",
     "c.yml:3:15: sources[1].stdin: only one source may read stdin; source \"a\" already does\n"},
    {"PatternRules",
     "  - {name: a, stdin: {}, format: json, pattern: '^x'}\n"
     "  - {name: b, file: {paths: [b.log]}, format: regex}\n",
     "c.yml:2:40: sources[0].pattern: \"pattern\" applies only to format: regex\n"
     "\tTry removing it, or format: regex\n"
     "c.yml:3:5: sources[1]: missing required field \"pattern\" (format: regex)\n"
     "\tTry pattern: '^(?P<ip>\\S+) (?P<status>\\d{3})' (RE2 with named groups)\n"},
    {"TimestampLayout",
     "  - name: app\n"
     "    stdin: {}\n"
     "    format: json\n"
     "    timestamp: {field: ts, layout: iso8601}\n"
     "  - name: app2\n"
     "    file: {paths: [x.log]}\n"
     "    format: json\n"
     "    timestamp: {layout: unix}\n",
     "c.yml:5:36: sources[0].timestamp.layout: unknown timestamp layout \"iso8601\"\n"
     "\tTry rfc3339, unix, unix_ms or a strftime layout such as \"%d/%b/%Y:%H:%M:%S %z\"\n"
     "c.yml:9:16: sources[1].timestamp: missing required field \"field\"\n"
     "\tTry timestamp: {field: ts}\n"},
    {"HttpAndLimits",
     "  - name: a\n"
     "    http: {path: ingest, max_body_bytes: 0}\n"
     "    format: json\n"
     "    max_line_bytes: lots\n"
     "  - {name: b, http: {}, format: json}\n"
     "  - {name: c, http: {}, format: json}\n",
     "c.yml:3:18: sources[0].http.path: path must start with \"/\"\n\tTry \"/ingest\"\n"
     "c.yml:3:42: sources[0].http.max_body_bytes: expected a positive integer, found \"0\"\n"
     "c.yml:5:21: sources[0].max_line_bytes: expected a positive integer, found \"lots\"\n"
     "c.yml:7:21: sources[2].http: default path \"/ingest\" is already used by source \"b\"\n"
     "\tTry path: /ingest_c\n"},
    {"Kafka",
     "  - name: k\n"
     "    kafka:\n"
     "      brokers: []\n"
     "      group: ''\n"
     "      properties: {fetch.wait.max.ms: 100, sasl: {user: x}}\n"
     "    format: json\n",
     "c.yml:4:7: sources[0].kafka: missing required field \"topics\"\n\tTry topics: [orders]\n"
     "c.yml:4:16: sources[0].kafka.brokers: at least one broker is required\n"
     "\tTry brokers: [\"127.0.0.1:9092\"]\n"
     "c.yml:5:14: sources[0].kafka.group: must not be empty\n"
     "c.yml:6:50: sources[0].kafka.properties.sasl: expected a string, found a mapping\n"},
};

INSTANTIATE_TEST_SUITE_P(Sources, InvalidSourceTest, testing::ValuesIn(kInvalidSources), CaseName);

TEST(ParseConfigTest, TopLevelProblems) {
  EXPECT_EQ(Errors(""),
            "c.yml: the config is empty\n\tTry starting with \"sources:\" and "
            "\"metrics:\"\n");
  EXPECT_EQ(Errors("- a\n- b\n"),
            "c.yml:1:1: expected a mapping with sources, lookups and metrics, found a list\n");
  EXPECT_EQ(Errors("sources: [{name: a, stdin: {}, format: json}]\nmetric:\n  - x\n"),
            "c.yml: missing required field \"metrics\"\n"
            "\tTry metrics: [{name: bam_lines_total, type: counter}]\n"
            "c.yml:2:1: metric: unknown field \"metric\"\n\tTry \"metrics\"\n");
  EXPECT_EQ(Errors("sources: []\nmetrics: []\nalerts: {}\n"),
            "c.yml:1:10: sources: at least one source is required\n"
            "c.yml:2:10: metrics: at least one metric is required\n"
            "c.yml:3:1: alerts: unknown field \"alerts\"\n"
            "\tTry one of: sources, lookups, metrics\n");
}

TEST(ParseConfigTest, YamlSyntaxErrorIsADiagnostic) {
  EXPECT_EQ(Errors("sources: [\nmetrics: {\n"),
            "c.yml:3:1: YAML syntax error: end of map flow not found\n");
  EXPECT_EQ(Errors("sources:\n  - name: a\n   bad: indent\n"),
            "c.yml:3:4: YAML syntax error: end of sequence not found\n");
}

// yaml-cpp 0.7's LoadAll() loops forever on these (jbeder/yaml-cpp#1319); the loader must not.
TEST(ParseConfigTest, StrayCommaWhereADocumentStartsIsASyntaxError) {
  EXPECT_EQ(Errors(",ources:\n  - a\n"), "c.yml:1:1: YAML syntax error: unexpected \",\"\n");
  EXPECT_EQ(Errors("# comment\n  ,\n"), "c.yml:2:3: YAML syntax error: unexpected \",\"\n");
  EXPECT_EQ(Errors("\"x\" ,\n"), "c.yml:1:5: YAML syntax error: unexpected \",\"\n");
}

TEST(ParseConfigTest, OnlyOneDocument) {
  EXPECT_EQ(Errors("sources: [{name: a, stdin: {}, format: json}]\n"
                   "metrics: [{name: bam_x_total, type: counter}]\n"
                   "---\n"
                   "metrics: []\n"),
            "c.yml:3:1: only one YAML document is allowed\n"
            "\tTry removing the \"---\" separator and what follows it\n");
}

// Every truncation and many small corruptions of a valid config: diagnostics, never an exception,
// a hang or an empty message.
TEST(ParseConfigTest, MangledInputGivesDiagnosticsNotExceptions) {
  const std::string base = kSpecExample;
  const char kChars[] = "{}[]:-'\"|>!&*#,% \n\tx0";
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  std::vector<std::string> inputs;
  for (size_t cut = 0; cut < base.size(); cut += 5) inputs.push_back(base.substr(0, cut));
  for (int i = 0; i < 400; ++i) {
    std::string s = base;
    for (int k = 0; k < 3; ++k) s[next() % s.size()] = kChars[next() % (sizeof(kChars) - 1)];
    inputs.push_back(s);
  }
  for (const std::string& text : inputs) {
    DiagnosticList diags;
    std::optional<Config> c;
    ASSERT_NO_THROW(c = ParseConfig(text, "m.yml", &diags)) << text;
    EXPECT_EQ(c.has_value(), diags.empty());
    for (const Diagnostic& d : diags.items()) EXPECT_FALSE(d.message.empty()) << text;
  }
}

TEST(ParseConfigTest, LookupProblems) {
  EXPECT_EQ(Errors("sources: [{name: a, stdin: {}, format: json}]\n"
                   "metrics: [{name: bam_x_total, type: counter}]\n"
                   "lookups:\n"
                   "  Segment: {key: id, value: seg, defualt: x}\n"
                   "  empty:\n"),
            "c.yml:4:3: lookups.Segment: invalid lookup name \"Segment\"\n"
            "\tTry a name made of a-z, 0-9 and _\n"
            "c.yml:4:12: lookups.Segment: missing required field \"csv\"\n"
            "\tTry csv: segments.csv\n"
            "c.yml:4:34: lookups.Segment.defualt: unknown field \"defualt\"\n\tTry \"default\"\n"
            "c.yml:5:3: lookups.empty: missing required fields \"csv\", \"key\" and \"value\"\n"
            "\tTry {csv: segments.csv, key: customer_id, value: segment}\n");
}

// Expression positions point at the first character of the expression text, after any quote.
TEST(ParseConfigTest, ExprPositionsSkipQuotesTagsAndBlockIndicators) {
  Config c = MustParse(R"(sources: [{name: a, stdin: {}, format: json}]
metrics:
  - name: bam_x_total
    type: counter
    when: plain == 1
    value: 'single'
    each: "double"
    labels: {category: item.category, q: 'x', dq: "y"}
  - name: bam_y_total
    type: counter
    when: !!str tagged
    value: |
      block
    labels:
      anchored: &a anchored_expr
      b: "esc\"aped"
)");
  ASSERT_EQ(c.metrics.size(), 2u);
  const MetricConfig& x = c.metrics[0];
  ExpectExpr(x.when, "plain == 1", 5, 11, "metrics[0].when");
  ExpectExpr(x.value, "single", 6, 13, "metrics[0].value");
  ExpectExpr(x.each, "double", 7, 12, "metrics[0].each");
  ASSERT_EQ(x.labels.size(), 3u);
  ExpectExpr(x.labels[0].expr, "item.category", 8, 24, "metrics[0].labels.category");
  ExpectExpr(x.labels[1].expr, "x", 8, 43, "metrics[0].labels.q");
  ExpectExpr(x.labels[2].expr, "y", 8, 52, "metrics[0].labels.dq");
  EXPECT_EQ(x.labels[2].pos.line, 8);
  EXPECT_EQ(x.labels[2].pos.column, 47);
  const MetricConfig& y = c.metrics[1];
  ExpectExpr(y.when, "tagged", 11, 17, "metrics[1].when");
  ExpectExpr(y.value, "block\n", 13, 7, "metrics[1].value");
  ExpectExpr(y.labels[0].expr, "anchored_expr", 15, 20, "metrics[1].labels.anchored");
  ExpectExpr(y.labels[1].expr, "esc\"aped", 16, 11, "metrics[1].labels.b");
}

TEST(ParseConfigTest, LabelsKeepFileOrderAndParsingIsDeterministic) {
  const std::string text = R"(sources: [{name: a, stdin: {}, format: json}]
metrics:
  - name: bam_x_total
    type: counter
    labels: {zeta: z, alpha: a, mid: m}
)";
  Config c = MustParse(text);
  ASSERT_EQ(c.metrics[0].labels.size(), 3u);
  EXPECT_EQ(c.metrics[0].labels[0].name, "zeta");
  EXPECT_EQ(c.metrics[0].labels[1].name, "alpha");
  EXPECT_EQ(c.metrics[0].labels[2].name, "mid");
  const std::string bad = text + "    bad: 1\n    worse: 2\n";
  EXPECT_EQ(Errors(bad), Errors(bad));
}

TEST(ParseConfigTest, DefaultsAndOptionalFields) {
  Config c = MustParse(R"(sources:
  - name: a
    http: {bearer_token: s3cret}
    format: logfmt
    max_line_bytes: 4096
  - name: k
    kafka:
      brokers: [b1:9092, b2:9092]
      topics: [t1]
      properties: {security.protocol: SSL, fetch.wait.max.ms: 100}
    format: json
metrics:
  - {name: bam_x_total, type: counter, expire_after: 1h30m}
  - {name: bam_g, type: gauge, value: v}
)");
  EXPECT_EQ(c.sources[0].http.path, "/ingest");
  EXPECT_EQ(c.sources[0].http.max_body_bytes, 10u << 20);
  EXPECT_EQ(c.sources[0].http.bearer_token, "s3cret");
  EXPECT_EQ(c.sources[0].max_line_bytes, 4096u);
  EXPECT_EQ(c.sources[1].kafka.group, "bam-exporter");
  EXPECT_EQ(c.sources[1].kafka.brokers, (std::vector<std::string>{"b1:9092", "b2:9092"}));
  EXPECT_EQ(c.sources[1].kafka.properties,
            (std::map<std::string, std::string>{{"fetch.wait.max.ms", "100"},
                                                {"security.protocol", "SSL"}}));
  EXPECT_EQ(c.metrics[0].expire_after_ms, 90 * 60 * 1000LL);
  EXPECT_TRUE(c.metrics[0].value.empty());
  EXPECT_EQ(c.metrics[0].max_series, 0u);
  EXPECT_EQ(c.lookups.size(), 0u);
}

TEST(ParseConfigTest, StrftimeLayoutIsAccepted) {
  Config c = MustParse(R"(sources:
  - name: a
    stdin: {}
    format: json
    timestamp: {field: time, layout: "%d/%b/%Y:%H:%M:%S %z"}
metrics: [{name: bam_x_total, type: counter}]
)");
  ASSERT_TRUE(c.sources[0].timestamp.has_value());
  EXPECT_EQ(c.sources[0].timestamp->layout, "%d/%b/%Y:%H:%M:%S %z");
  EXPECT_EQ(c.sources[0].timestamp->layout_pos.column, 39);
}

}  // namespace
}  // namespace bam::exporter
