#include "common/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace bam {

std::string Diagnostic::Format() const {
  std::string out = file;
  if (pos.line > 0) {
    out += ":" + std::to_string(pos.line) + ":" + std::to_string(std::max(pos.column, 1));
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  if (!hint.empty()) out += "\n\tTry " + hint;
  return out;
}

void DiagnosticList::Add(const std::string& file, Position pos, std::string path,
                         std::string message, std::string hint) {
  items_.push_back(Diagnostic{file, pos, std::move(path), std::move(message), std::move(hint)});
}

void DiagnosticList::Sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.pos.line, a.pos.column) < std::tie(b.file, b.pos.line, b.pos.column);
  });
  auto same_place = [](const Diagnostic& a, const Diagnostic& b) {
    return a.file == b.file && a.pos.line == b.pos.line && a.pos.column == b.pos.column &&
           a.path == b.path && a.message == b.message;
  };
  items_.erase(std::unique(items_.begin(), items_.end(), same_place), items_.end());
}

std::string DiagnosticList::Format() const {
  std::string out;
  for (const auto& d : items_) {
    out += d.Format();
    out += '\n';
  }
  return out;
}

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string SuggestClosest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = word.size() / 2 + 1;  // beyond this, a suggestion is noise
  if (best_distance > 3) best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d <= best_distance && (best.empty() || d < EditDistance(word, best))) best = c;
  }
  return best;
}

}  // namespace bam
