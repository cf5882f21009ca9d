// Minimal structured logging to stderr, in logfmt (default) or JSON, as --log.format says.
// Thread-safe: each call writes one line with a single fwrite.
#ifndef BAM_EXPORTER_APP_LOG_H_
#define BAM_EXPORTER_APP_LOG_H_

#include <string>
#include <string_view>

namespace bam::exporter {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void ConfigureLog(std::string_view level, std::string_view format);
void Log(LogLevel level, std::string_view msg);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_LOG_H_
