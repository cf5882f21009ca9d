#include "tests/testing/exposition.h"

#include <sstream>

namespace bam::testing {

bool ParseSeries(const std::string& text, std::string* name, LabelMap* labels) {
  labels->clear();
  size_t brace = text.find('{');
  *name = text.substr(0, brace);
  if (brace == std::string::npos) return !name->empty();
  size_t i = brace + 1;
  while (i < text.size() && text[i] != '}') {
    size_t eq = text.find('=', i);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string key = text.substr(i, eq - i);
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\' && j + 1 < text.size()) {
        ++j;
        value += text[j] == 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    if (j >= text.size()) return false;
    (*labels)[key] = value;
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  return i < text.size();
}

ParsedExposition ParsedExposition::Parse(const std::string& text) {
  ParsedExposition p;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    Sample s;
    if (!ParseSeries(line.substr(0, sp), &s.name, &s.labels)) continue;
    s.value = std::stod(line.substr(sp + 1));
    p.samples_.push_back(std::move(s));
  }
  return p;
}

bool ParsedExposition::FindLabels(const std::string& name, const LabelMap& labels,
                                  double* value) const {
  for (const auto& s : samples_) {
    if (s.name == name && s.labels == labels) {
      *value = s.value;
      return true;
    }
  }
  return false;
}

bool ParsedExposition::Find(const std::string& series, double* value) const {
  std::string name;
  LabelMap labels;
  if (!ParseSeries(series, &name, &labels)) return false;
  return FindLabels(name, labels, value);
}

bool ParsedExposition::Sum(const std::string& name, double* value) const {
  bool found = false;
  *value = 0;
  for (const auto& s : samples_) {
    if (s.name != name) continue;
    *value += s.value;
    found = true;
  }
  return found;
}

std::vector<Sample> ParseMtailGolden(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind, name, labels, value;
    if (!(ls >> kind >> name >> labels >> value)) continue;
    Sample s;
    s.name = name;
    // {k=v,k=v}: values have no commas or braces in mtail's goldens.
    std::string body = labels.substr(1, labels.size() - 2);
    std::istringstream ps(body);
    std::string pair;
    while (std::getline(ps, pair, ',')) {
      size_t eq = pair.find('=');
      if (eq != std::string::npos) s.labels[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    s.value = std::stod(value);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace bam::testing
