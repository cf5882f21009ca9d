// The CivetWeb life cycle both programs' listeners (and the tests' HTTP receivers) share: start
// with CivetWeb's error text, read back the bound port, and stop without waiting for CivetWeb's
// listener to notice (it polls its stop flag every couple of seconds; a connection wakes it).
// Thread-safety: each function is for the thread that owns the context.
#ifndef BAM_COMMON_CIVET_H_
#define BAM_COMMON_CIVET_H_

#include <string>
#include <vector>

struct mg_callbacks;
struct mg_context;

namespace bam {

// mg_start2 with `options` (name, value pairs; no terminating null needed). Returns null and sets
// *error to CivetWeb's reason ("unknown error" when it gives none).
mg_context* StartCivetWeb(const std::vector<const char*>& options, const mg_callbacks* callbacks,
                          void* user_data, std::string* error);

// The first bound port (the real one when asked for port 0); 0 if none.
int CivetBoundPort(mg_context* ctx);

// mg_stop, poking `wake_host`:`port` until it returns; every request in progress has then
// finished. REQUIRES: ctx != nullptr.
void StopCivetWeb(mg_context* ctx, const std::string& wake_host, int port);

}  // namespace bam

#endif  // BAM_COMMON_CIVET_H_
