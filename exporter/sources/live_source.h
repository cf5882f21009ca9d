// LiveSource: a source the daemon keeps reading until it is stopped (file tailer, stdin stream,
// HTTP push endpoint, Kafka consumer).
//
// A live source runs its own thread(s) and hands complete lines to its LineSink synchronously: when
// OnLine returns, the line is counted. Sources that acknowledge input (Kafka offsets, HTTP 2xx,
// positions file) acknowledge only lines whose OnLine call has returned — that is what makes
// "nothing lost" hold across crashes and restarts.
//
// The sink is the source's SourceProcessor, which is single-threaded: a source must not call its
// sink from two threads at once (serialise with a mutex if it has several threads, e.g. HTTP).
// Start/Stop/Status are called from the daemon's main thread; Status may be called while running.
#ifndef BAM_EXPORTER_SOURCES_LIVE_SOURCE_H_
#define BAM_EXPORTER_SOURCES_LIVE_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "exporter/sources/line_splitter.h"

namespace bam::exporter {

// One input a source reads (a file, a Kafka partition, an HTTP endpoint), for the status page.
struct InputStatus {
  std::string name;        // file path, "topic/partition", "POST /ingest"
  uint64_t offset = 0;     // bytes read (files), next offset (Kafka), bytes accepted (HTTP)
  uint64_t lines = 0;      // lines delivered to the sink
  std::string last_error;  // empty when healthy
};

struct SourceStatus {
  std::string source;      // the config's source name
  std::string kind;        // "file", "stdin", "http", "kafka"
  bool running = false;
  std::vector<InputStatus> inputs;
};

class LiveSource {
 public:
  virtual ~LiveSource() = default;

  // Starts reading; lines go to `sink` (not owned; must outlive Stop()). Returns false and sets
  // *error when the source cannot start at all (e.g. an unusable Kafka config); transient problems
  // (a file not there yet, a broker down) are retried, not errors here.
  virtual bool Start(LineSink* sink, std::string* error) = 0;

  // Stops reading, delivers nothing more, persists what it acknowledges (positions, offsets) and
  // joins its threads. Idempotent.
  virtual void Stop() = 0;

  virtual SourceStatus Status() const = 0;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_LIVE_SOURCE_H_
