// KafkaSource against librdkafka's mock cluster: a real Kafka-protocol broker set on loopback
// (ephemeral ports, read back with rd_kafka_mock_cluster_bootstraps), in this process.
#include "exporter/sources/kafka_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exporter/store/self_metrics.h"

namespace bam::exporter {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kLines = 10000;
const std::vector<std::string> kTopics = {"orders", "payments"};
constexpr int kPartitions = 3;

// Polls `done` until it holds or `timeout` passes; the sleep only paces the polling.
bool WaitFor(const std::function<bool()>& done, std::chrono::steady_clock::duration timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// A mock cluster of `brokers` brokers, owned by a producer handle made only to host it.
class MockCluster {
 public:
  explicit MockCluster(int brokers) {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
    holder_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    cluster_ = rd_kafka_mock_cluster_new(holder_, brokers);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    for (const auto& topic : kTopics) {
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), kPartitions, 1);
    }
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(holder_);
  }
  rd_kafka_mock_cluster_t* get() { return cluster_; }
  const std::string& bootstraps() const { return bootstraps_; }

 private:
  rd_kafka_t* holder_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstraps_;
};

// Produces NDJSON messages of 1 to 4 lines {"id":K,...} spread over every topic and partition.
class Producer {
 public:
  explicit Producer(const std::string& bootstraps) {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [k, v] :
         std::map<std::string, std::string>{{"bootstrap.servers", bootstraps},
                                            {"linger.ms", "5"},
                                            {"reconnect.backoff.ms", "50"},
                                            {"reconnect.backoff.max.ms", "300"},
                                            {"log_level", "3"}}) {
      EXPECT_EQ(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr),
                RD_KAFKA_CONF_OK)
          << errstr;
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++static_cast<Producer*>(opaque)->failed_;
    });
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  }
  ~Producer() { rd_kafka_destroy(rk_); }

  // Produces lines [from, to) and returns without waiting for delivery.
  void Produce(int from, int to) {
    while (from < to) {
      int n = std::min(to - from, 1 + message_ % 4);
      std::string value;
      for (int i = 0; i < n; ++i) {
        value += "{\"id\":" + std::to_string(from + i) + ",\"user\":\"u" +
                 std::to_string((from + i) % 97) + "\"}";
        // The last line of every third message has no final newline: Finish() delivers it.
        if (i + 1 < n || message_ % 3 != 0) value += "\n";
      }
      const std::string& topic = kTopics[message_ % kTopics.size()];
      int32_t partition = static_cast<int32_t>((message_ / kTopics.size()) % kPartitions);
      for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                              RD_KAFKA_V_VALUE(value.data(), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
          break;
        }
        rd_kafka_poll(rk_, 10);
      }
      rd_kafka_poll(rk_, 0);
      ++message_;
      from += n;
    }
  }
  // Waits until every message is acknowledged by its leader.
  void Flush() {
    ASSERT_EQ(rd_kafka_flush(rk_, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(failed_, 0);
  }

 private:
  rd_kafka_t* rk_ = nullptr;
  int message_ = 0;
  int failed_ = 0;
};

// Counts each line id; thread-safe so the test thread can read while the source delivers. With
// PauseAt(n), the n-th line blocks in OnLine until Release(): the test can stop a source at a known
// point of the stream.
class CountingSink : public LineSink {
 public:
  void OnLine(std::string_view line) override {
    int id = -1;
    std::sscanf(std::string(line).c_str(), "{\"id\":%d", &id);
    std::unique_lock<std::mutex> lock(mu_);
    ++total_;
    if (id >= 0 && id < kLines) {
      ++seen_[id];
    } else {
      ++bad_;
    }
    if (total_ == pause_at_) {
      paused_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !paused_; });
    }
  }
  void OnTooLong() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++too_long_;
  }
  void PauseAt(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    pause_at_ = n;
  }
  bool WaitPaused(std::chrono::steady_clock::duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return paused_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
    cv_.notify_all();
  }
  int total() const {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  int distinct() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(seen_.size());
  }
  std::map<int, int> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  int bad() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bad_ + too_long_;
  }

 private:
  mutable std::mutex mu_;
  int total_ = 0;
  int bad_ = 0;
  int too_long_ = 0;
  int pause_at_ = -1;
  bool paused_ = false;
  std::condition_variable cv_;
  std::map<int, int> seen_;
};

// bam_exporter_kafka_lag for `source`, keyed "topic/partition".
std::map<std::string, double> Lag(prometheus::Registry& registry, const std::string& source) {
  std::map<std::string, double> out;
  for (const auto& family : registry.Collect()) {
    if (family.name != "bam_exporter_kafka_lag") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      if (labels["source"] != source) continue;
      out[labels["topic"] + "/" + labels["partition"]] = metric.gauge.value;
    }
  }
  return out;
}

// Sum of bam_exporter_source_errors_total{source} over kinds starting with `prefix`.
double Errors(prometheus::Registry& registry, const std::string& prefix) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "bam_exporter_source_errors_total") continue;
    for (const auto& metric : family.metric) {
      for (const auto& l : metric.label) {
        if (l.name == "kind" && l.value.rfind(prefix, 0) == 0) sum += metric.counter.value;
      }
    }
  }
  return sum;
}

bool CaughtUp(prometheus::Registry& registry, const std::string& source) {
  auto lag = Lag(registry, source);
  if (lag.size() != kTopics.size() * kPartitions) return false;
  for (const auto& [name, value] : lag) {
    if (value != 0) return false;
  }
  return true;
}

SourceConfig KafkaConfig(const std::string& bootstraps, const std::string& group) {
  SourceConfig config;
  config.name = "shop_kafka";
  config.kind = SourceKind::kKafka;
  config.kafka.brokers = {bootstraps};
  config.kafka.topics = kTopics;
  config.kafka.group = group;
  // Small timers so broker recovery is quick. Not topic.metadata.refresh.interval.ms: librdkafka
  // 2.0.2 rejoins the group when a metadata refresh lands while the leader waits for the
  // assignor's metadata, and a 500 ms refresh lines up with the mock coordinator's join timers
  // (multiples of 500 ms) often enough to make the group rejoin forever.
  config.kafka.properties = {
      {"auto.offset.reset", "earliest"},   {"session.timeout.ms", "6000"},
      {"heartbeat.interval.ms", "500"},    {"reconnect.backoff.ms", "50"},
      {"reconnect.backoff.max.ms", "300"}, {"fetch.wait.max.ms", "100"},
      {"fetch.error.backoff.ms", "100"},   {"log_level", "3"},
  };
  // BAM_KAFKA_DEBUG=cgrp,fetch,... prints librdkafka's debug log to stderr (investigations only).
  if (const char* debug = std::getenv("BAM_KAFKA_DEBUG")) {
    config.kafka.properties["debug"] = debug;
    config.kafka.properties["log_level"] = "7";
  }
  return config;
}

KafkaSourceOptions FastOptions() {
  KafkaSourceOptions options;
  options.commit_every_messages = 200;
  options.commit_interval = milliseconds(200);
  options.lag_interval = milliseconds(100);
  if (std::getenv("BAM_KAFKA_DEBUG") == nullptr)
    options.warn = [](std::string_view line) {
      std::fprintf(stderr, "warn: %.*s\n", static_cast<int>(line.size()), line.data());
    };
  return options;
}

class KafkaSourceTest : public ::testing::Test {
 protected:
  MockCluster cluster_{3};
  prometheus::Registry registry_;
  SelfMetrics metrics_{registry_, "test"};
};

TEST_F(KafkaSourceTest, CountsEveryLineOnceAndLagReachesZero) {
  Producer producer(cluster_.bootstraps());
  producer.Produce(0, kLines);
  producer.Flush();

  CountingSink sink;
  KafkaSource source(KafkaConfig(cluster_.bootstraps(), "g-count"), &metrics_, &registry_,
                     FastOptions());
  std::string error;
  ASSERT_TRUE(source.Start(&sink, &error)) << error;
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return sink.total() >= kLines; }, seconds(30))) << sink.total();
  ASSERT_TRUE(WaitFor([&] { return CaughtUp(registry_, "shop_kafka"); }, seconds(15)));
  std::printf("consumed %d lines in %.1f s (group join included)\n", kLines,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  EXPECT_EQ(sink.total(), kLines);
  EXPECT_EQ(sink.distinct(), kLines);
  EXPECT_EQ(sink.bad(), 0);
  SourceStatus status = source.Status();
  EXPECT_TRUE(status.running);
  EXPECT_EQ(status.kind, "kafka");
  ASSERT_EQ(status.inputs.size(), kTopics.size() * kPartitions);
  uint64_t lines = 0;
  for (const auto& input : status.inputs) lines += input.lines;
  EXPECT_EQ(lines, static_cast<uint64_t>(kLines));
  EXPECT_EQ(status.inputs[0].name, "orders/0");

  source.Stop();
  EXPECT_FALSE(source.Status().running);
  EXPECT_TRUE(Lag(registry_, "shop_kafka").empty());  // series removed with the assignment
}

TEST_F(KafkaSourceTest, BrokerDownAndBackUpLosesNothing) {
  // Every partition led by broker 1; the group coordinator on broker 2 stays up.
  for (const auto& topic : kTopics) {
    for (int p = 0; p < kPartitions; ++p) {
      rd_kafka_mock_partition_set_leader(cluster_.get(), topic.c_str(), p, 1);
    }
  }
  rd_kafka_mock_coordinator_set(cluster_.get(), "group", "g-down", 2);

  Producer producer(cluster_.bootstraps());
  CountingSink sink;
  KafkaSource source(KafkaConfig(cluster_.bootstraps(), "g-down"), &metrics_, &registry_,
                     FastOptions());
  std::string error;
  ASSERT_TRUE(source.Start(&sink, &error)) << error;

  producer.Produce(0, kLines / 2);
  producer.Flush();
  ASSERT_TRUE(WaitFor([&] { return sink.total() >= kLines / 2; }, seconds(30)));

  rd_kafka_mock_broker_set_down(cluster_.get(), 1);
  producer.Produce(kLines / 2, kLines * 3 / 4);  // queued by the producer while the leader is down
  ASSERT_TRUE(WaitFor([&] { return Errors(registry_, "kafka_") > 0; }, seconds(15)))
      << "the consumer never noticed the broker going down";
  EXPECT_FALSE(source.Status().inputs[0].last_error.empty());
  rd_kafka_mock_broker_set_up(cluster_.get(), 1);

  producer.Produce(kLines * 3 / 4, kLines);
  producer.Flush();
  ASSERT_TRUE(WaitFor([&] { return sink.distinct() == kLines; }, seconds(30)))
      << sink.distinct() << " distinct of " << kLines;
  ASSERT_TRUE(WaitFor([&] { return CaughtUp(registry_, "shop_kafka"); }, seconds(15)));
  source.Stop();

  // At-least-once: every id at least once. A re-read needs the fetch position to move back, which
  // only a rebalance or restart does, and then only past the last confirmed commit: at most one
  // commit batch (200 messages of at most 4 lines) per partition. Here no rebalance happens.
  int duplicates = sink.total() - kLines;
  std::printf("broker 1 down and up: %d lines, %d duplicates, %.0f source errors counted\n",
              sink.total(), duplicates, Errors(registry_, "kafka_"));
  for (const auto& [id, times] : sink.seen()) EXPECT_GE(times, 1) << id;
  EXPECT_GE(duplicates, 0);
  EXPECT_LE(duplicates, 200 * 4 * static_cast<int>(kTopics.size()) * kPartitions);
  EXPECT_EQ(sink.bad(), 0);
}

TEST_F(KafkaSourceTest, RestartResumesAtCommittedOffsets) {
  Producer producer(cluster_.bootstraps());
  producer.Produce(0, kLines);
  producer.Flush();

  CountingSink first;
  {
    KafkaSource source(KafkaConfig(cluster_.bootstraps(), "g-restart"), &metrics_, &registry_,
                       FastOptions());
    std::string error;
    first.PauseAt(kLines / 2);
    ASSERT_TRUE(source.Start(&first, &error)) << error;
    ASSERT_TRUE(first.WaitPaused(seconds(30)));
    // The consumer thread is held inside OnLine; Stop() (which commits everything delivered,
    // synchronously) runs while the line is released, so the run ends within a few messages of
    // N/2 — where exactly does not matter, only that the second run starts where it ended.
    std::thread stopper([&] { source.Stop(); });
    first.Release();
    stopper.join();
  }
  const int first_run = first.total();
  auto stopped = std::chrono::steady_clock::now();
  ASSERT_LT(first_run, kLines) << "the first run read everything before it was stopped";

  CountingSink second;
  KafkaSource source(KafkaConfig(cluster_.bootstraps(), "g-restart"), &metrics_, &registry_,
                     FastOptions());
  std::string error;
  ASSERT_TRUE(source.Start(&second, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return CaughtUp(registry_, "shop_kafka"); }, seconds(30)))
      << second.total() << " lines in the second run";
  std::printf("second run caught up %.1f s after the first stopped\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped).count());
  source.Stop();

  std::map<int, int> all = first.seen();
  int reread = 0;
  for (const auto& [id, times] : second.seen()) {
    if (all.count(id) != 0) reread += times;
    all[id] += times;
  }
  std::printf("restart: first run %d lines, second run %d lines, %d re-read\n", first_run,
              second.total(), reread);
  EXPECT_EQ(static_cast<int>(all.size()), kLines);
  // Stop() committed every delivered offset, so the uncommitted tail is empty: nothing re-read.
  EXPECT_EQ(reread, 0);
  EXPECT_EQ(first_run + second.total(), kLines);
  EXPECT_EQ(Errors(registry_, "kafka_commit"), 0);
}

TEST_F(KafkaSourceTest, LongLinesAreDroppedAndReported) {
  rd_kafka_t* rk = nullptr;
  {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", cluster_.bootstraps().c_str(), errstr,
                      sizeof errstr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  }
  std::string value = "{\"id\":1}\n" + std::string(100, 'x') + "\n{\"id\":2}";
  ASSERT_EQ(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("orders"), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_VALUE(value.data(), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);

  SourceConfig config = KafkaConfig(cluster_.bootstraps(), "g-long");
  config.max_line_bytes = 64;
  CountingSink sink;
  KafkaSource source(config, &metrics_, &registry_, FastOptions());
  std::string error;
  ASSERT_TRUE(source.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return CaughtUp(registry_, "shop_kafka"); }, seconds(30)));
  source.Stop();
  EXPECT_EQ(sink.total(), 2);
  EXPECT_EQ(sink.bad(), 1);  // the too-long line, through OnTooLong
}

TEST(KafkaSourceConfigTest, BadPropertyFailsStartWithLibrdkafkaText) {
  SourceConfig config = KafkaConfig("127.0.0.1:1", "g-bad");
  CountingSink sink;
  std::string error;

  config.kafka.properties["no.such.property"] = "1";
  KafkaSource unknown(config, nullptr, nullptr);
  EXPECT_FALSE(unknown.Start(&sink, &error));
  EXPECT_THAT(error,
              ::testing::HasSubstr("kafka source \"shop_kafka\": properties.no.such.property"));
  EXPECT_THAT(error, ::testing::HasSubstr("No such configuration property"));

  config.kafka.properties.erase("no.such.property");
  config.kafka.properties["session.timeout.ms"] = "soon";
  KafkaSource invalid(config, nullptr, nullptr);
  EXPECT_FALSE(invalid.Start(&sink, &error));
  EXPECT_THAT(error, ::testing::HasSubstr("properties.session.timeout.ms: "));
  std::printf("%s\n", error.c_str());

  config.kafka.properties["session.timeout.ms"] = "6000";
  config.kafka.properties["enable.auto.offset.store"] = "true";
  KafkaSource unsafe(config, nullptr, nullptr);
  EXPECT_FALSE(unsafe.Start(&sink, &error));
  EXPECT_THAT(error, ::testing::HasSubstr("enable.auto.offset.store: must stay false"));
  EXPECT_EQ(sink.total(), 0);
}

}  // namespace
}  // namespace bam::exporter
