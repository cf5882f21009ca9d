#include "exporter/sources/kafka_source.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace bam::exporter {
namespace {

using Clock = std::chrono::steady_clock;

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

// Counts the lines a message produced while forwarding them.
class CountingSink : public LineSink {
 public:
  explicit CountingSink(LineSink* next) : next_(next) {}
  void OnLine(std::string_view line) override {
    next_->OnLine(line);
    ++lines_;
  }
  void OnTooLong() override { next_->OnTooLong(); }
  uint64_t lines() const { return lines_; }

 private:
  LineSink* next_;
  uint64_t lines_ = 0;
};

// The `kind` label of bam_exporter_source_errors_total for a librdkafka error: a small fixed set.
std::string ErrorKind(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
      return "kafka_transport";
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
      return "kafka_all_brokers_down";
    case RD_KAFKA_RESP_ERR__RESOLVE:
      return "kafka_resolve";
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return "kafka_auth";
    case RD_KAFKA_RESP_ERR__SSL:
      return "kafka_ssl";
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      return "kafka_topic";
    case RD_KAFKA_RESP_ERR__FATAL:
      return "kafka_fatal";
    default:
      return "kafka_other";
  }
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

bool Cooperative(rd_kafka_t* rk) {
  const char* protocol = rd_kafka_rebalance_protocol(rk);
  return protocol != nullptr && std::strcmp(protocol, "COOPERATIVE") == 0;
}

}  // namespace

// librdkafka's C callbacks, served on the consumer thread by rd_kafka_consumer_poll.
struct KafkaCallbacks {
  static void Rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<KafkaSource*>(opaque)->OnRebalance(err, partitions);
  }
  static void Committed(rd_kafka_t*, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque) {
    static_cast<KafkaSource*>(opaque)->OnCommitted(err, offsets);
  }
  static void Error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<KafkaSource*>(opaque)->OnError(err, reason);
  }
  static void Log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    if (level > 4) return;  // syslog levels: 4 = warning
    auto* self = static_cast<KafkaSource*>(rd_kafka_opaque(rk));
    self->Warn(std::string("librdkafka ") + fac, buf);
  }
};

KafkaSource::KafkaSource(const SourceConfig& config, SelfMetrics* metrics,
                         prometheus::Registry* registry, KafkaSourceOptions options)
    : config_(config),
      metrics_(metrics),
      options_(std::move(options)),
      splitter_(config.max_line_bytes) {
  if (registry != nullptr) {
    lag_family_ = &prometheus::BuildGauge()
                       .Name("bam_exporter_kafka_lag")
                       .Help(
                           "Messages in a Kafka partition not yet counted: high watermark minus "
                           "the next offset to deliver.")
                       .Register(*registry);
  }
}

KafkaSource::~KafkaSource() { Stop(); }

bool KafkaSource::Start(LineSink* sink, std::string* error) {
  const std::string where = "kafka source \"" + config_.name + "\": ";
  if (started_) {
    *error = where + "already started";
    return false;
  }
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& key, const std::string& value, bool user) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) ==
        RD_KAFKA_CONF_OK) {
      return true;
    }
    *error = where + (user ? "properties." : "") + key + ": " + errstr;
    return false;
  };
  bool ok = true;
  if (!config_.kafka.brokers.empty()) {
    ok = ok && set("bootstrap.servers", Join(config_.kafka.brokers, ","), false);
  }
  ok = ok && set("group.id", config_.kafka.group, false) &&
       set("enable.auto.commit", "false", false) && set("enable.auto.offset.store", "false", false);
  for (const auto& [key, value] : config_.kafka.properties) {
    ok = ok && set(key, value, true);
  }
  if (ok) {
    char value[16];
    size_t size = sizeof value;
    if (rd_kafka_conf_get(conf, "enable.auto.offset.store", value, &size) == RD_KAFKA_CONF_OK &&
        std::strcmp(value, "true") == 0) {
      *error = where +
               "properties.enable.auto.offset.store: must stay false: offsets are stored only "
               "after their lines are counted";
      ok = false;
    }
  }
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return false;
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_rebalance_cb(conf, &KafkaCallbacks::Rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf, &KafkaCallbacks::Committed);
  rd_kafka_conf_set_error_cb(conf, &KafkaCallbacks::Error);
  if (options_.warn) rd_kafka_conf_set_log_cb(conf, &KafkaCallbacks::Log);

  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);  // still ours when rd_kafka_new fails
    *error = where + errstr;
    return false;
  }
  rd_kafka_poll_set_consumer(rk);  // error and commit callbacks are served by consumer_poll

  PartitionList topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(config_.kafka.topics.size())));
  for (const auto& topic : config_.kafka.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error =
        where + "subscribe to " + Join(config_.kafka.topics, ",") + ": " + rd_kafka_err2str(err);
    rd_kafka_destroy(rk);
    return false;
  }

  rk_ = rk;
  sink_ = sink;
  started_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = true;
  }
  thread_ = std::thread([this] { Run(); });
  return true;
}

void KafkaSource::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void KafkaSource::Run() {
  last_commit_ = Clock::now();
  Clock::time_point next_lag = last_commit_;
  const int poll_ms = static_cast<int>(options_.poll_timeout.count());
  while (!stop_) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(rk_, poll_ms);
    if (message != nullptr) {
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Deliver(message);
      } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::string text = rd_kafka_message_errstr(message);
        if (message->rkt != nullptr) {
          std::lock_guard<std::mutex> lock(mu_);
          auto it = partitions_.find({rd_kafka_topic_name(message->rkt), message->partition});
          if (it != partitions_.end()) it->second.last_error = text;
        }
        CountError(ErrorKind(message->err), text);
      }
      rd_kafka_message_destroy(message);
    }
    Clock::time_point now = Clock::now();
    if (messages_since_commit_ >= options_.commit_every_messages ||
        now - last_commit_ >= options_.commit_interval) {
      Commit(/*sync=*/false);
    }
    if (now >= next_lag) {
      UpdateLag();
      next_lag = now + options_.lag_interval;
    }
  }
  Commit(/*sync=*/true);
  // Leaves the group; the revoke callback runs from here (nothing left to commit by then).
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
  rk_ = nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  if (lag_family_ != nullptr) {
    for (auto& [key, partition] : partitions_) {
      if (partition.lag != nullptr) lag_family_->Remove(partition.lag);
    }
  }
  partitions_.clear();
  running_ = false;
}

void KafkaSource::Deliver(const rd_kafka_message_t* message) {
  CountingSink counting(sink_);
  if (message->payload != nullptr) {
    splitter_.Feed(std::string_view(static_cast<const char*>(message->payload), message->len),
                   &counting);
  }
  splitter_.Finish(&counting);
  // Every line of this message has been counted: its offset may now be committed.
  rd_kafka_offset_store(message->rkt, message->partition, message->offset + 1);
  ++messages_since_commit_;
  std::lock_guard<std::mutex> lock(mu_);
  Partition& p = partitions_[{rd_kafka_topic_name(message->rkt), message->partition}];
  p.next = message->offset + 1;
  p.lines += counting.lines();
  p.last_error.clear();
  client_error_.clear();
}

void KafkaSource::Commit(bool sync, const rd_kafka_topic_partition_list_t* only) {
  messages_since_commit_ = 0;
  last_commit_ = Clock::now();
  PartitionList offsets(rd_kafka_topic_partition_list_new(8));
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, p] : partitions_) {
      if (p.next < 0 || p.next <= p.committed) continue;
      if (only != nullptr &&
          rd_kafka_topic_partition_list_find(only, key.first.c_str(), key.second) == nullptr) {
        continue;
      }
      rd_kafka_topic_partition_list_add(offsets.get(), key.first.c_str(), key.second)->offset =
          p.next;
    }
  }
  if (offsets->cnt == 0) return;
  if (!sync) {
    // The result comes back through CommitCb; anything not confirmed is sent again next time.
    rd_kafka_resp_err_t err = rd_kafka_commit(rk_, offsets.get(), /*async=*/1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) CountError("kafka_commit", rd_kafka_err2str(err));
    return;
  }
  // Synchronous, but bounded: a coordinator that is down must not hang a rebalance or shutdown.
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_resp_err_t err = rd_kafka_commit_queue(rk_, offsets.get(), queue, nullptr, nullptr);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_event_t* event =
        rd_kafka_queue_poll(queue, static_cast<int>(options_.sync_timeout.count()));
    if (event == nullptr) {
      CountError("kafka_commit", "offset commit timed out");
    } else {
      if (rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT) {
        OnCommitted(rd_kafka_event_error(event), rd_kafka_event_topic_partition_list(event));
      }
      rd_kafka_event_destroy(event);
    }
  } else {
    CountError("kafka_commit", rd_kafka_err2str(err));
  }
  rd_kafka_queue_destroy(queue);
}

void KafkaSource::OnCommitted(int err, const rd_kafka_topic_partition_list_t* offsets) {
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__NO_OFFSET) return;  // nothing was due
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR) CountError("kafka_commit", rd_kafka_err2str(code));
  if (offsets == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& o = offsets->elems[i];
    auto it = partitions_.find({o.topic, o.partition});
    if (it == partitions_.end()) continue;
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR && o.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      it->second.committed = std::max(it->second.committed, o.offset);
    } else {
      it->second.last_error = std::string("commit: ") + rd_kafka_err2str(o.err);
    }
  }
}

void KafkaSource::FetchCommitted(const rd_kafka_topic_partition_list_t* partitions) {
  PartitionList copy(rd_kafka_topic_partition_list_copy(partitions));
  rd_kafka_resp_err_t err =
      rd_kafka_committed(rk_, copy.get(), static_cast<int>(options_.sync_timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return;  // lag waits for the first message instead
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < copy->cnt; ++i) {
    const rd_kafka_topic_partition_t& o = copy->elems[i];
    if (o.err != RD_KAFKA_RESP_ERR_NO_ERROR || o.offset < 0) continue;
    auto it = partitions_.find({o.topic, o.partition});
    if (it == partitions_.end()) continue;
    it->second.committed = o.offset;
    if (it->second.next < 0) it->second.next = o.offset;
  }
}

void KafkaSource::OnRebalance(int err, rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative = Cooperative(rk_);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < partitions->cnt; ++i) {
        partitions_.try_emplace({partitions->elems[i].topic, partitions->elems[i].partition});
      }
    }
    FetchCommitted(partitions);
    rd_kafka_error_t* error = nullptr;
    if (cooperative) {
      error = rd_kafka_incremental_assign(rk_, partitions);
    } else {
      rd_kafka_resp_err_t code = rd_kafka_assign(rk_, partitions);
      if (code != RD_KAFKA_RESP_ERR_NO_ERROR) CountError("kafka_rebalance", rd_kafka_err2str(code));
    }
    if (error != nullptr) {
      CountError("kafka_rebalance", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    // Hand over what was counted, so the next owner starts after it (not possible when the
    // assignment was lost: the group has moved on and a commit would be rejected).
    if (!rd_kafka_assignment_lost(rk_)) Commit(/*sync=*/true, partitions);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < partitions->cnt; ++i) {
        auto it = partitions_.find({partitions->elems[i].topic, partitions->elems[i].partition});
        if (it == partitions_.end()) continue;
        if (it->second.lag != nullptr && lag_family_ != nullptr) {
          lag_family_->Remove(it->second.lag);
        }
        partitions_.erase(it);
      }
    }
    if (cooperative) {
      rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk_, partitions);
      if (error != nullptr) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(rk_, nullptr);
    }
    return;
  }
  CountError("kafka_rebalance", rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err)));
  rd_kafka_assign(rk_, nullptr);
}

void KafkaSource::UpdateLag() {
  if (lag_family_ == nullptr) return;
  // Partitions with nothing delivered and no committed offset start where librdkafka's offset
  // reset put them: its fetch position, once known.
  PartitionList unknown(rd_kafka_topic_partition_list_new(4));
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, p] : partitions_) {
      if (p.next < 0)
        rd_kafka_topic_partition_list_add(unknown.get(), key.first.c_str(), key.second);
    }
  }
  if (unknown->cnt > 0) rd_kafka_position(rk_, unknown.get());
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, p] : partitions_) {
    int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(rk_, key.first.c_str(), key.second, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;  // not known yet: no series rather than a wrong one
    }
    int64_t next = p.next;
    if (next < 0) {
      const rd_kafka_topic_partition_t* pos =
          rd_kafka_topic_partition_list_find(unknown.get(), key.first.c_str(), key.second);
      if (pos != nullptr && pos->offset >= 0) {
        next = pos->offset;
      } else if (high == 0) {
        next = 0;  // a partition that never held a message
      } else {
        continue;
      }
    }
    if (p.lag == nullptr) {
      p.lag = &lag_family_->Add({{"source", config_.name},
                                 {"topic", key.first},
                                 {"partition", std::to_string(key.second)}});
    }
    p.lag->Set(static_cast<double>(std::max<int64_t>(0, high - next)));
  }
}

void KafkaSource::OnError(int err, const char* reason) {
  CountError(ErrorKind(static_cast<rd_kafka_resp_err_t>(err)), reason != nullptr ? reason : "");
}

void KafkaSource::CountError(const std::string& kind, const std::string& text) {
  if (metrics_ != nullptr) metrics_->SourceError(config_.name, kind).Increment();
  {
    std::lock_guard<std::mutex> lock(mu_);
    client_error_ = text;
  }
  Warn(kind, text);
}

void KafkaSource::Warn(const std::string& key, const std::string& text) {
  if (!options_.warn) return;
  Clock::time_point now = Clock::now();
  std::lock_guard<std::mutex> lock(warn_mu_);
  auto [it, fresh] = last_warn_.try_emplace(key, now);
  if (!fresh && now - it->second < options_.warn_interval) return;
  it->second = now;
  options_.warn("kafka source " + config_.name + ": " + key + ": " + text);
}

SourceStatus KafkaSource::Status() const {
  SourceStatus status;
  status.source = config_.name;
  status.kind = "kafka";
  std::lock_guard<std::mutex> lock(mu_);
  status.running = running_;
  for (const auto& [key, p] : partitions_) {
    InputStatus input;
    input.name = key.first + "/" + std::to_string(key.second);
    input.offset = p.next < 0 ? 0 : static_cast<uint64_t>(p.next);
    input.lines = p.lines;
    input.last_error = p.last_error.empty() ? client_error_ : p.last_error;
    status.inputs.push_back(std::move(input));
  }
  if (status.inputs.empty()) {
    InputStatus input;
    input.name = Join(config_.kafka.brokers, ",");
    input.last_error = client_error_;
    status.inputs.push_back(std::move(input));
  }
  return status;
}

}  // namespace bam::exporter
