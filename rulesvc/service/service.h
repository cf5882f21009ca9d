// Service: `bam-rulesvc serve` assembled — configuration, SQLite store, catalog, enrichment,
// receiver, channels and outbox dispatcher, REST API with authentication and audit, and the
// HTTP(S) listener. Start() brings everything up or reports why it cannot; Stop() takes it down
// in the order that loses nothing (listener first, then the dispatcher after its delivery in
// progress). docs/rulesvc.md describes the whole.
//
// Thread-safety: Start and Stop from one thread; everything else runs on the listener's and the
// dispatcher's threads.
#ifndef BAM_RULESVC_SERVICE_SERVICE_H_
#define BAM_RULESVC_SERVICE_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "rulesvc/config/service_config.h"

namespace bam::rulesvc::service {

struct ServeFlags {
  std::string config_file;
  std::string listen_address = "127.0.0.1:9781";
};

class Service {
 public:
  explicit Service(ServeFlags flags);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Loads the configuration (every diagnostic printed to stderr), opens the store, starts the
  // dispatcher and the listener. Returns false after logging why.
  bool Start();
  void Stop();
  int port() const;

 private:
  struct Parts;
  ServeFlags flags_;
  std::unique_ptr<Parts> parts_;
};

// `serve` as a command: Start, then wait for SIGTERM/SIGINT, then Stop. Returns the exit code.
int RunServe(const ServeFlags& flags);

}  // namespace bam::rulesvc::service

#endif  // BAM_RULESVC_SERVICE_SERVICE_H_
