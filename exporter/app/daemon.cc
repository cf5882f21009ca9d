#include "exporter/app/daemon.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>

#include "exporter/app/engine.h"
#include "exporter/app/log.h"
#include "exporter/exposition/text.h"
#include "exporter/server/http_push_source.h"
#include "exporter/server/http_server.h"
#include "exporter/sources/file_tailer.h"
#include "exporter/sources/kafka_source.h"
#include "exporter/sources/positions_file.h"
#include "exporter/sources/stdin_stream.h"

#ifndef BAM_VERSION
#define BAM_VERSION "dev"
#endif

namespace bam::exporter {

namespace {

class Daemon {
 public:
  explicit Daemon(const Flags& flags)
      : flags_(flags), engine_(BAM_VERSION), server_(HttpServerOptions{flags.telemetry_path}) {}

  int Run();

 private:
  bool StartSources(std::string* error);
  void StopSources();
  ReloadResult Reload();
  ReloadResult RequestReload();  // from an HTTP worker: runs Reload() on the main thread
  ServerStatus Status();

  const Flags flags_;
  Engine engine_;
  HttpServer server_;
  std::unique_ptr<PositionsFile> positions_;
  std::vector<std::unique_ptr<LiveSource>> sources_;
  std::atomic<bool> ready_{false};

  // Guards the pipeline and sources_ against the HTTP workers while a reload swaps them.
  std::mutex state_mu_;
  std::optional<ReloadResult> last_reload_;
  int64_t last_reload_unix_seconds_ = 0;

  // /-/reload requests, served by the main thread.
  std::mutex reload_mu_;
  std::queue<std::promise<ReloadResult>> reload_requests_;
};

bool Daemon::StartSources(std::string* error) {
  const Config& config = *engine_.config();
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& sc = config.sources[i];
    std::unique_ptr<LiveSource> source;
    switch (sc.kind) {
      case SourceKind::kFile: {
        FileTailerOptions options;
        options.log = [](TailLogLevel level, std::string_view msg) {
          Log(level == TailLogLevel::kWarn ? LogLevel::kWarn : LogLevel::kInfo, msg);
        };
        source = std::make_unique<FileTailer>(sc, positions_.get(), &engine_.self(), options);
        break;
      }
      case SourceKind::kStdin:
        source = std::make_unique<StdinStream>(sc);
        break;
      case SourceKind::kHttp:
        source = std::make_unique<HttpPushSource>(sc, &server_, &engine_.self());
        break;
      case SourceKind::kKafka: {
        KafkaSourceOptions options;
        options.warn = [](std::string_view msg) { Log(LogLevel::kWarn, msg); };
        source = std::make_unique<KafkaSource>(sc, &engine_.self(), &engine_.registry(), options);
        break;
      }
    }
    std::string source_error;
    if (!source->Start(&engine_.pipeline()->source(i), &source_error)) {
      *error = "source " + sc.name + ": " + source_error;
      return false;
    }
    sources_.push_back(std::move(source));
  }
  return true;
}

void Daemon::StopSources() {
  for (auto& source : sources_) source->Stop();
  sources_.clear();
  if (positions_ != nullptr) {
    std::string error;
    if (!positions_->Flush(&error)) Log(LogLevel::kError, "positions file: " + error);
  }
}

ReloadResult Daemon::Reload() {
  DiagnosticList diags;
  std::vector<std::string> warnings;
  std::unique_ptr<Config> config = engine_.Check(flags_.config_file, &diags, &warnings);
  ReloadResult result;
  if (config == nullptr) {
    diags.Sort();
    result = {false, diags.Format()};
    engine_.self().CountReload(false);
    Log(LogLevel::kError, "reload rejected, the running configuration stays:\n" + result.message);
  } else {
    for (const auto& w : warnings) Log(LogLevel::kWarn, w);
    std::lock_guard<std::mutex> lock(state_mu_);
    StopSources();
    engine_.Apply(std::move(config));
    std::string error;
    result.ok = StartSources(&error);
    result.message = result.ok ? "" : error;
    engine_.self().CountReload(result.ok);
    Log(result.ok ? LogLevel::kInfo : LogLevel::kError,
        result.ok ? "configuration reloaded" : "reload applied but a source failed: " + error);
  }
  std::lock_guard<std::mutex> lock(state_mu_);
  last_reload_ = result;
  last_reload_unix_seconds_ = std::time(nullptr);
  return result;
}

ReloadResult Daemon::RequestReload() {
  std::future<ReloadResult> done;
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    reload_requests_.emplace();
    done = reload_requests_.back().get_future();
  }
  return done.get();
}

ServerStatus Daemon::Status() {
  std::lock_guard<std::mutex> lock(state_mu_);
  ServerStatus status;
  status.version = BAM_VERSION;
  status.config_file = flags_.config_file;
  status.last_reload = last_reload_;
  status.last_reload_unix_seconds = last_reload_unix_seconds_;
  for (const auto& source : sources_) status.sources.push_back(source->Status());
  return status;
}

int Daemon::Run() {
  // Signals are taken synchronously by the main thread; every thread started later inherits the
  // blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  DiagnosticList diags;
  std::vector<std::string> warnings;
  std::unique_ptr<Config> config = engine_.Check(flags_.config_file, &diags, &warnings);
  if (config == nullptr) {
    diags.Sort();
    std::string text = diags.Format();
    std::fwrite(text.data(), 1, text.size(), stderr);
    return 1;
  }
  for (const auto& w : warnings) Log(LogLevel::kWarn, w);
  engine_.Apply(std::move(config));

  if (!flags_.positions_file.empty()) {
    positions_ = std::make_unique<PositionsFile>(flags_.positions_file);
    std::string error;
    if (!positions_->Load(&error)) {
      Log(LogLevel::kError, "positions file: " + error);
      return 1;
    }
  }

  server_.SetMetricsHandler([this] {
    std::lock_guard<std::mutex> lock(state_mu_);
    engine_.pipeline()->Refresh(Pipeline::WallClockMillis());
    return SerializeText(engine_.registry());
  });
  server_.SetReadyHandler([this] { return ready_.load(); });
  server_.SetReloadHandler([this] { return RequestReload(); });
  server_.SetStatusHandler([this] { return Status(); });
  std::string error;
  if (!server_.Start(flags_.listen_address, &error)) {
    Log(LogLevel::kError, "cannot listen on " + flags_.listen_address + ": " + error);
    return 1;
  }
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (!StartSources(&error)) {
      Log(LogLevel::kError, error);
      StopSources();
      server_.Stop();
      return 1;
    }
  }
  ready_ = true;
  Log(LogLevel::kInfo, "listening on " +
                           flags_.listen_address.substr(0, flags_.listen_address.rfind(':')) + ":" +
                           std::to_string(server_.port()));

  const timespec tick{0, 100 * 1000 * 1000};
  for (;;) {
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) break;
    if (sig == SIGHUP) Reload();
    for (;;) {
      std::promise<ReloadResult> request;
      {
        std::lock_guard<std::mutex> lock(reload_mu_);
        if (reload_requests_.empty()) break;
        request = std::move(reload_requests_.front());
        reload_requests_.pop();
      }
      request.set_value(Reload());
    }
  }
  Log(LogLevel::kInfo, "shutting down");
  ready_ = false;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    StopSources();
  }
  int64_t grace_ms = 0;
  ParseDuration(flags_.shutdown_grace, &grace_ms);
  if (grace_ms > 0) {
    // Nothing is read any more: /metrics now shows the final counts until the grace ends.
    Log(LogLevel::kInfo, "sources stopped; serving the final metrics for " + flags_.shutdown_grace +
                             " (SIGTERM again to exit now)");
    const timespec grace{grace_ms / 1000, (grace_ms % 1000) * 1000 * 1000};
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigtimedwait(&stop, nullptr, &grace);
  }
  server_.Stop();
  return 0;
}

}  // namespace

int RunDaemon(const Flags& flags) { return Daemon(flags).Run(); }

}  // namespace bam::exporter
