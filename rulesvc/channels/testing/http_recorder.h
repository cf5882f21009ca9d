// Test helper: an HTTP receiver on 127.0.0.1 (CivetWeb, port chosen by the kernel) that records
// every request and answers with a scripted status and body. Stands in for Slack, Teams, Twilio and
// webhook endpoints in channel tests.
//
// Thread-safety: thread-safe; requests are recorded from CivetWeb worker threads.
#ifndef BAM_RULESVC_CHANNELS_TESTING_HTTP_RECORDER_H_
#define BAM_RULESVC_CHANNELS_TESTING_HTTP_RECORDER_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

struct mg_context;
struct mg_connection;

namespace bam::rulesvc::channels::testing {

struct RecordedRequest {
  std::string method;
  std::string path;                            // without the query string
  std::string query;                           // "" when none
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int status = 0;  // the status it was answered with

  // Header value by lower-case name, "" when absent.
  std::string Header(const std::string& lower_name) const;
};

class HttpRecorder {
 public:
  HttpRecorder() = default;
  ~HttpRecorder();  // Stop()s
  HttpRecorder(const HttpRecorder&) = delete;
  HttpRecorder& operator=(const HttpRecorder&) = delete;

  // Listens on 127.0.0.1:0. Returns false on failure.
  bool Start();
  // Stops listening (waits for requests in progress). Idempotent.
  void Stop();
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Every later request is answered with this status, body and extra headers ("Name: value").
  // Default: 200 "ok".
  void Respond(int status, std::string body, std::vector<std::string> headers = {});

  // Every later request is recorded at once, then answered after `delay` (a slow endpoint: lets a
  // test kill its client mid-delivery). Default 0.
  void Delay(std::chrono::milliseconds delay);
  std::vector<RecordedRequest> requests() const;

 private:
  static int Handle(mg_connection* conn, void* self);

  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
  int status_ = 200;
  std::string body_ = "ok";
  std::vector<std::string> headers_;
  std::chrono::milliseconds delay_{0};
  mg_context* ctx_ = nullptr;
  int port_ = 0;
};

}  // namespace bam::rulesvc::channels::testing

#endif  // BAM_RULESVC_CHANNELS_TESTING_HTTP_RECORDER_H_
