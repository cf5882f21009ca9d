// bam-exporter's daemon reading a Kafka source end to end: librdkafka's mock cluster (a real Kafka
// protocol broker on 127.0.0.1, ephemeral port) lives in this test process; the daemon, a separate
// process, joins its consumer group, counts every produced line into /metrics (checked by promtool)
// and its lag gauge reaches 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/testing/exposition.h"
#include "tests/testing/process.h"
#include "tests/testing/subprocess.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(ExporterDaemonKafkaTest, CountsEveryProducedLineAndLagReachesZero) {
  constexpr int kLines = 3000;
  constexpr int kPartitions = 3;
  char errstr[256];
  rd_kafka_conf_t* holder_conf = rd_kafka_conf_new();
  rd_kafka_conf_set(holder_conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* holder = rd_kafka_new(RD_KAFKA_PRODUCER, holder_conf, errstr, sizeof errstr);
  ASSERT_NE(holder, nullptr) << errstr;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(holder, 1);
  ASSERT_NE(cluster, nullptr);
  const std::string bootstraps = rd_kafka_mock_cluster_bootstraps(cluster);
  rd_kafka_mock_topic_create(cluster, "orders", kPartitions, 1);

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps.c_str(), errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  ASSERT_NE(producer, nullptr) << errstr;
  for (int i = 0; i < kLines; ++i) {
    std::string line = std::string("{\"status\":\"") + (i % 10 == 0 ? "failed" : "completed") +
                       "\",\"id\":" + std::to_string(i) + "}\n";
    ASSERT_EQ(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("orders"),
                                RD_KAFKA_V_PARTITION(i % kPartitions),
                                RD_KAFKA_V_VALUE(line.data(), line.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_poll(producer, 0);
  }
  ASSERT_EQ(rd_kafka_flush(producer, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);

  const fs::path dir = fs::temp_directory_path() / ("bam_kafka_e2e_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bam.yml") << "sources:\n"
                                    "  - name: orders\n"
                                    "    kafka:\n"
                                    "      brokers: [\""
                                 << bootstraps
                                 << "\"]\n"
                                    "      topics: [orders]\n"
                                    "      group: bam-e2e\n"
                                    "      properties: {auto.offset.reset: earliest}\n"
                                    "    format: json\n"
                                    "metrics:\n"
                                    "  - name: shop_orders_total\n"
                                    "    type: counter\n"
                                    "    help: Orders by status.\n"
                                    "    labels: {status: status}\n";
  testing::Subprocess daemon({std::string(BAM_BIN_DIR) + "/bam-exporter",
                              "--config.file=" + (dir / "bam.yml").string(),
                              "--web.listen-address=127.0.0.1:0"});
  std::string listening = daemon.WaitForStderr("listening on", 20s);
  ASSERT_NE(listening, "") << daemon.err();
  const int port = std::atoi(listening.c_str() + listening.rfind(':') + 1);
  ASSERT_GT(port, 0) << listening;
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  std::string text;
  double completed = 0, failed = 0, lag = -1;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    text = testing::RunShell("curl -s " + url + "/metrics").out;
    auto parsed = testing::ParsedExposition::Parse(text);
    parsed.Find("shop_orders_total{status=\"completed\"}", &completed);
    parsed.Find("shop_orders_total{status=\"failed\"}", &failed);
    const bool lag_known = parsed.Sum("bam_exporter_kafka_lag", &lag);
    if (completed + failed == kLines && lag_known && lag == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(completed, kLines - kLines / 10) << text;
  EXPECT_EQ(failed, kLines / 10);
  EXPECT_EQ(lag, 0) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("bam_exporter_kafka_lag{"));
  auto lint = testing::RunShell("promtool check metrics", text);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.Wait(30s), 0) << daemon.err();
  fs::remove_all(dir);
  rd_kafka_destroy(producer);
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(holder);
}

}  // namespace
}  // namespace bam
