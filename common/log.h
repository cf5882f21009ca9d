// Minimal structured logging to stderr, in logfmt (default) or JSON, as --log.format says.
// Thread-safe: each call writes one line with a single fwrite.
#ifndef BAM_COMMON_LOG_H_
#define BAM_COMMON_LOG_H_

#include <string>
#include <string_view>

namespace bam {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void ConfigureLog(std::string_view level, std::string_view format);
void Log(LogLevel level, std::string_view msg);

}  // namespace bam

#endif  // BAM_COMMON_LOG_H_
