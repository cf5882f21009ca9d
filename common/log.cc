#include "common/log.h"

#include <cstdio>

namespace bam {

namespace {

LogLevel g_min_level = LogLevel::kInfo;
bool g_json = false;

const char* Name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

void ConfigureLog(std::string_view level, std::string_view format) {
  if (level == "debug") g_min_level = LogLevel::kDebug;
  if (level == "info") g_min_level = LogLevel::kInfo;
  if (level == "warn") g_min_level = LogLevel::kWarn;
  if (level == "error") g_min_level = LogLevel::kError;
  g_json = (format == "json");
}

void Log(LogLevel level, std::string_view msg) {
  if (level < g_min_level) return;
  std::string line;
  if (g_json) {
    line = "{\"level\":\"";
    line += Name(level);
    line += "\",\"msg\":";
    AppendQuoted(&line, msg);
    line += "}\n";
  } else {
    line = "level=";
    line += Name(level);
    line += " msg=";
    AppendQuoted(&line, msg);
    line += "\n";
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace bam
