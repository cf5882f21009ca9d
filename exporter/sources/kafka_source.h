// KafkaSource: the `kafka` live source. A librdkafka consumer-group member that subscribes to the
// configured topics, splits each message value into NDJSON lines for the sink, and commits a
// partition's offset only after every line of the messages before it has been handed to the sink
// (at-least-once; see docs/kafka.md for where duplicates can appear).
//
// One consumer thread does everything that touches librdkafka and the sink: polling, rebalances,
// offset commits and the lag gauge, so the sink is only ever called from that thread.
// bam_exporter_kafka_lag{source,topic,partition} is high watermark − next offset to deliver, for
// each partition this member is assigned; a revoked partition's series is removed.
//
// Start/Stop are called from one (the daemon's main) thread. Status() is thread-safe and may be
// called from any thread while the source runs.
#ifndef BAM_EXPORTER_SOURCES_KAFKA_SOURCE_H_
#define BAM_EXPORTER_SOURCES_KAFKA_SOURCE_H_

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "exporter/config/config.h"
#include "exporter/sources/line_splitter.h"
#include "exporter/sources/live_source.h"
#include "exporter/store/self_metrics.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_partition_list_s rd_kafka_topic_partition_list_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;

namespace bam::exporter {

// Tuning that is not part of the user config; the defaults are what the daemon uses.
struct KafkaSourceOptions {
  // Commit once this many messages were delivered since the last commit ...
  uint64_t commit_every_messages = 1000;  // default 1000
  // ... or when this much time passed with delivered-but-uncommitted messages.
  std::chrono::milliseconds commit_interval{1000};  // default 1 s
  // How often the lag gauge is recomputed from librdkafka's cached high watermarks.
  std::chrono::milliseconds lag_interval{1000};  // default 1 s
  // rd_kafka_consumer_poll timeout: bounds how long Stop() waits for the consumer thread.
  std::chrono::milliseconds poll_timeout{100};  // default 100 ms
  // Longest wait for a synchronous commit (partitions revoked, Stop()) or for the committed offsets
  // of newly assigned partitions; past it the offsets stay uncommitted (re-read after a restart).
  std::chrono::milliseconds sync_timeout{5000};  // default 5 s
  // Called with a one-line warning: errors the source counts, and librdkafka's own log lines of
  // level warning or worse (these come from librdkafka's threads, so `warn` must be thread-safe).
  // Each error kind / log facility at most once per `warn_interval`. Empty: errors are only counted
  // and shown in Status(), and librdkafka logs to stderr itself.
  std::function<void(std::string_view)> warn;
  std::chrono::milliseconds warn_interval{10000};  // default 10 s
};

class KafkaSource : public LiveSource {
 public:
  // `config.kind` must be SourceKind::kKafka. `metrics` (may be null) receives
  // bam_exporter_source_errors_total{source,kind="kafka_<kind>"}; `registry` (may be null) gets the
  // bam_exporter_kafka_lag family. Both must outlive this object.
  KafkaSource(const SourceConfig& config, SelfMetrics* metrics, prometheus::Registry* registry,
              KafkaSourceOptions options = {});
  ~KafkaSource() override;  // calls Stop()

  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  // Builds the librdkafka configuration (our defaults, then `properties:` verbatim, so a property
  // overrides a default), creates the consumer and subscribes. Returns false with librdkafka's own
  // error text in *error for an unknown or invalid property, a property that would break
  // at-least-once (enable.auto.offset.store=true), or a client that cannot be created. A broker
  // that is unreachable is not an error here: librdkafka keeps reconnecting. Call at most once.
  bool Start(LineSink* sink, std::string* error) override;

  // Commits every delivered offset synchronously, leaves the group (rd_kafka_consumer_close),
  // destroys the client and joins the thread. Idempotent.
  void Stop() override;

  // One input per assigned partition ("topic/partition", next offset, lines delivered, last
  // error); while none is assigned, one input named after the brokers carrying the last error.
  SourceStatus Status() const override;

 private:
  struct Partition {
    int64_t next = -1;       // offset after the last delivered message; -1 = none delivered yet
    int64_t committed = -1;  // last next offset the broker confirmed as committed
    uint64_t lines = 0;
    std::string last_error;
    prometheus::Gauge* lag = nullptr;
  };
  using Key = std::pair<std::string, int32_t>;  // topic, partition

  void Run();
  void Deliver(const rd_kafka_message_t* message);
  void OnRebalance(int err, rd_kafka_topic_partition_list_t* partitions);
  void OnCommitted(int err, const rd_kafka_topic_partition_list_t* offsets);
  void OnError(int err, const char* reason);
  // Commits delivered-but-unconfirmed offsets (all partitions, or those in `only`). Asynchronous
  // (the result arrives through CommitCb) or synchronous bounded by sync_timeout.
  void Commit(bool sync, const rd_kafka_topic_partition_list_t* only = nullptr);
  // Reads the committed offsets of newly assigned partitions (bounded by sync_timeout).
  void FetchCommitted(const rd_kafka_topic_partition_list_t* partitions);
  void UpdateLag();
  void CountError(const std::string& kind, const std::string& text);
  void Warn(const std::string& key, const std::string& text);  // rate-limited per key

  friend struct KafkaCallbacks;  // librdkafka's C callbacks (kafka_source.cc)

  const SourceConfig config_;
  SelfMetrics* const metrics_;
  prometheus::Family<prometheus::Gauge>* lag_family_ = nullptr;
  const KafkaSourceOptions options_;

  LineSink* sink_ = nullptr;
  rd_kafka_t* rk_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  bool started_ = false;

  // Consumer thread only.
  LineSplitter splitter_;
  uint64_t messages_since_commit_ = 0;
  std::chrono::steady_clock::time_point last_commit_;

  std::mutex warn_mu_;  // Warn() runs on the consumer thread and librdkafka's threads
  std::map<std::string, std::chrono::steady_clock::time_point> last_warn_;

  mutable std::mutex mu_;  // guards the fields below (written by the consumer thread)
  std::map<Key, Partition> partitions_;
  std::string client_error_;  // last client-level error (broker down, ...), cleared by a message
  bool running_ = false;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_KAFKA_SOURCE_H_
