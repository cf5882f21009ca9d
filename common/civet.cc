#include "common/civet.h"

#include <civetweb.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/listen_address.h"

namespace bam {

mg_context* StartCivetWeb(const std::vector<const char*>& options, const mg_callbacks* callbacks,
                          void* user_data, std::string* error) {
  std::vector<const char*> terminated = options;
  terminated.push_back(nullptr);
  mg_callbacks none{};
  mg_init_data init{};
  init.callbacks = callbacks != nullptr ? callbacks : &none;
  init.user_data = user_data;
  init.configuration_options = terminated.data();
  char text[256] = "";
  mg_error_data err{};
  err.text = text;
  err.text_buffer_size = sizeof text;
  mg_context* ctx = mg_start2(&init, &err);
  if (ctx == nullptr) *error = text[0] ? text : "unknown error";
  return ctx;
}

int CivetBoundPort(mg_context* ctx) {
  mg_server_port bound[4]{};
  int n = mg_get_server_ports(ctx, 4, bound);
  return n > 0 ? bound[0].port : 0;
}

void StopCivetWeb(mg_context* ctx, const std::string& wake_host, int port) {
  std::atomic<bool> stopped = false;
  std::thread waker([&] {
    while (!stopped) {
      PokeListener(wake_host, port);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  mg_stop(ctx);  // joins the workers
  stopped = true;
  waker.join();
}

}  // namespace bam
