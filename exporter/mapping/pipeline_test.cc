#include "exporter/mapping/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "exporter/exposition/text.h"

namespace bam::exporter {
namespace {

using ::testing::HasSubstr;

class PipelineTest : public ::testing::Test {
 protected:
  // Builds `yaml` into a pipeline; returns the formatted diagnostics ("" when it built).
  std::string Build(const std::string& yaml) {
    DiagnosticList diags;
    ParseConfig(yaml, "p.yml", &diags, &config_);
    pipeline_ = Pipeline::Build(config_, &store_, &self_, &diags, &warnings_);
    diags.Sort();
    return diags.Format();
  }

  Config config_;
  prometheus::Registry registry_;
  SelfMetrics self_{registry_, "test"};
  MetricStore store_{registry_, &self_};
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<std::string> warnings_;
};

constexpr char kConfig[] =
    "sources:\n"
    "  - {name: in, stdin: {}, format: json}\n"
    "metrics:\n"
    "  - name: shop_amount_total\n"
    "    type: counter\n"
    "    value: amount\n"
    "    labels: {status: status}\n";

TEST_F(PipelineTest, LastRejectionSaysWhyEachLineWasOrWasNotCounted) {
  ASSERT_EQ(Build(kConfig), "");
  SourceProcessor& in = pipeline_->source(0);
  in.OnLine(R"({"amount": 3, "status": "ok"})");
  EXPECT_EQ(in.LastRejection(), "");
  in.OnLine("{not json");
  EXPECT_EQ(in.LastRejection(), "parse_error");
  in.OnLine(R"({"amount": "n/a"})");
  EXPECT_EQ(in.LastRejection(), "bad_value");
  in.OnLine(R"({"amount": -1})");
  EXPECT_EQ(in.LastRejection(), "negative_value");
  in.OnTooLong();
  EXPECT_EQ(in.LastRejection(), "too_long");
  in.OnLine(R"({"amount": 2, "status": "ok"})");
  EXPECT_EQ(in.LastRejection(), "");
  EXPECT_THAT(SerializeText(registry_), HasSubstr("shop_amount_total{status=\"ok\"} 5\n"));
}

TEST_F(PipelineTest, ConfigWithLoaderErrorsStillReportsCompileErrorsAndDeclaresNothing) {
  std::string errors = Build(
      "sources:\n"
      "  - {name: in, stdin: {}, format: json}\n"
      "metrics:\n"
      "  - name: bad-name\n"
      "    type: counter\n"
      "    when: nosuchfn(x)\n");
  EXPECT_THAT(errors, HasSubstr("p.yml:4:11: metrics[0].name: invalid metric name"));
  EXPECT_THAT(errors, HasSubstr("p.yml:6:11: metrics[0].when: unknown function \"nosuchfn\""));
  EXPECT_EQ(pipeline_, nullptr);
  EXPECT_THAT(SerializeText(registry_), ::testing::Not(HasSubstr("bad")));
}

TEST_F(PipelineTest, EachEvaluatesPerElementWithItem) {
  ASSERT_EQ(Build("sources:\n"
                  "  - {name: in, stdin: {}, format: json}\n"
                  "metrics:\n"
                  "  - name: shop_units_total\n"
                  "    type: counter\n"
                  "    each: items\n"
                  "    when: item.qty > 0\n"
                  "    value: item.qty\n"
                  "    labels: {sku: item.sku}\n"),
            "");
  pipeline_->source(0).OnLine(
      R"({"items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 0}, {"sku": "a", "qty": 1}]})");
  pipeline_->source(0).OnLine(R"({"items": "not an array"})");
  std::string text = SerializeText(registry_);
  EXPECT_THAT(text, HasSubstr("shop_units_total{sku=\"a\"} 3\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("sku=\"b\"")));
}

}  // namespace
}  // namespace bam::exporter
