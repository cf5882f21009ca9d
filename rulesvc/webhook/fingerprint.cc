#include "rulesvc/webhook/fingerprint.h"

#include <cstdint>
#include <cstdio>

namespace bam::rulesvc {
namespace {

constexpr uint64_t kOffset64 = 14695981039346656037ULL;
constexpr uint64_t kPrime64 = 1099511628211ULL;
constexpr unsigned char kSeparator = 0xFF;  // model.SeparatorByte: never valid in UTF-8

uint64_t AddByte(uint64_t h, unsigned char b) { return (h ^ b) * kPrime64; }

uint64_t AddString(uint64_t h, const std::string& s) {
  for (const char c : s) h = AddByte(h, static_cast<unsigned char>(c));
  return h;
}

}  // namespace

std::string LabelsFingerprint(const std::map<std::string, std::string>& labels) {
  uint64_t h = kOffset64;
  for (const auto& [name, value] : labels) {  // std::map iterates in name order
    h = AddByte(AddString(h, name), kSeparator);
    h = AddByte(AddString(h, value), kSeparator);
  }
  char buf[17];
  (void)std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace bam::rulesvc
