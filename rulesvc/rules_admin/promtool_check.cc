#include "rulesvc/rules_admin/promtool_check.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace bam::rulesvc::rules_admin {
namespace {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string PromtoolProblems(const std::string& promtool, const std::string& rules_text,
                             const std::string& scratch_path, const std::string& shown_as) {
  if (promtool.empty()) return "";
  {
    std::ofstream f(scratch_path, std::ios::binary | std::ios::trunc);
    f << rules_text;
    if (!f) return "";
  }
  std::string command = ShellQuote(promtool) + " check rules " + ShellQuote(scratch_path) + " 2>&1";
  std::string output;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
    ::pclose(p);
  }
  std::error_code ec;
  std::filesystem::remove(scratch_path, ec);
  // Keep the lines that name the file: "FILE: group "g", rule 1, "A": annotation ...".
  std::string problems;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.erase(0, 1);
    if (line.compare(0, scratch_path.size() + 1, scratch_path + ":") != 0) continue;
    problems += (problems.empty() ? "" : "\n") + shown_as + line.substr(scratch_path.size());
  }
  return problems;
}

}  // namespace bam::rulesvc::rules_admin
