// Diagnostic: one user-facing error about an input file (config, catalog), with its location.
//
// Rendered as `FILE:LINE:COL: field.path: message` and, when a hint is set, a second line `\tTry
// <hint>`. Value type; not thread-safe to mutate a shared DiagnosticList from several threads.
#ifndef BAM_COMMON_DIAGNOSTIC_H_
#define BAM_COMMON_DIAGNOSTIC_H_

#include <string>
#include <vector>

namespace bam {

// A 1-based position in a text file. line == 0 means "unknown" (whole file).
struct Position {
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  std::string file;  // path as the user gave it
  Position pos;
  std::string path;     // field path, e.g. "metrics[3].labels.region"; may be empty
  std::string message;  // what is wrong, lower case, no trailing period
  std::string hint;     // optional; rendered as "\tTry <hint>"

  // Returns the rendered diagnostic, one or two lines, without a trailing newline.
  std::string Format() const;
};

// An ordered collection of diagnostics. Sort() orders by (file, line, column) so output is stable.
class DiagnosticList {
 public:
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Add(const std::string& file, Position pos, std::string path, std::string message,
           std::string hint = "");
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Orders by (file, line, column) and drops exact repeats (same place, path and message), which
  // happen when two stages check the same field.
  void Sort();
  // All diagnostics, formatted, each followed by '\n'.
  std::string Format() const;

 private:
  std::vector<Diagnostic> items_;
};

// "a, b, c": names joined for a hint.
std::string JoinNames(const std::vector<std::string>& names);

// Closest candidate to `word` by edit distance, or "" if none is close enough to be a plausible
// typo.
std::string SuggestClosest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace bam

#endif  // BAM_COMMON_DIAGNOSTIC_H_
