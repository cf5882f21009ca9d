#include "exporter/store/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace bam::exporter {

namespace {

__extension__ typedef unsigned __int128 U128;

constexpr uint64_t kSeed = 0x243f6a8885a308d3ull;  // fractional digits of pi
constexpr uint64_t kK1 = 0x9e3779b97f4a7c15ull;    // 2^64 / golden ratio
constexpr uint64_t kK2 = 0xd1b54a32d192ed03ull;
constexpr uint64_t kK3 = 0x8cb92ba72f3d8dd7ull;

uint64_t Fold(uint64_t a, uint64_t b) {
  U128 product = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t Finalise(uint64_t h) {  // murmur3 fmix64
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Ertl 2017, sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1): the small-range term.
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0, z = x;
  for (;;) {
    x *= x;
    double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

// Ertl 2017, tau(x): the correction for registers at the maximum rank (only ever reached by
// astronomically many keys with a 64-bit hash, kept for completeness).
double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1.0 - x;
  for (;;) {
    x = std::sqrt(x);
    double previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z == previous) return z / 3.0;
  }
}

}  // namespace

uint64_t HashKey(std::string_view key) {
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = kSeed ^ (static_cast<uint64_t>(n) * kK1);
  while (n > 16) {
    h = Fold(Load64(p) ^ kK2, Load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {  // two words, overlapping when n < 16: together they cover every byte
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
        (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) | uint64_t{static_cast<uint8_t>(p[n - 1])};
  }
  h = Fold(a ^ kK2, b ^ h ^ kK3);
  return Finalise(h ^ key.size());
}

HyperLogLog::HyperLogLog(int precision) : p_(precision) {}

void HyperLogLog::AddHash(uint64_t hash) {
  const uint32_t index = static_cast<uint32_t>(hash >> (64 - p_));
  const uint64_t rest = hash << p_;  // the low 64 - p bits, moved to the top
  const int max_rank = 64 - p_ + 1;
  const int rank = rest == 0 ? max_rank : std::min(std::countl_zero(rest) + 1, max_rank);
  SetMax(index, static_cast<uint8_t>(rank));
}

void HyperLogLog::SetMax(uint32_t index, uint8_t rank) {
  if (dense_) {
    if (registers_[index] < rank) registers_[index] = rank;
    return;
  }
  const uint32_t entry = (index << 8) | rank;
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), index << 8);
  if (it != sparse_.end() && (*it >> 8) == index) {
    if ((*it & 0xff) < rank) *it = entry;
    return;
  }
  sparse_.insert(it, entry);
  // Dense once the pairs would outgrow an eighth of the registers' size.
  if (sparse_.size() * sizeof(uint32_t) > register_count() / 8) ToDense();
}

void HyperLogLog::ToDense() {
  registers_.assign(register_count(), 0);
  for (uint32_t entry : sparse_) registers_[entry >> 8] = static_cast<uint8_t>(entry & 0xff);
  std::vector<uint32_t>().swap(sparse_);
  dense_ = true;
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.empty()) return;
  if (other.dense_) {
    if (!dense_) ToDense();
    for (size_t i = 0; i < registers_.size(); ++i) {
      registers_[i] = std::max(registers_[i], other.registers_[i]);
    }
    return;
  }
  if (dense_) {
    for (uint32_t entry : other.sparse_) {
      uint8_t& r = registers_[entry >> 8];
      r = std::max(r, static_cast<uint8_t>(entry & 0xff));
    }
    return;
  }
  // Both sparse: merge the sorted lists, keeping the larger rank of a shared index.
  std::vector<uint32_t> merged;
  merged.reserve(sparse_.size() + other.sparse_.size());
  auto a = sparse_.cbegin();
  auto b = other.sparse_.cbegin();
  while (a != sparse_.cend() || b != other.sparse_.cend()) {
    if (b == other.sparse_.cend() || (a != sparse_.cend() && (*a >> 8) < (*b >> 8))) {
      merged.push_back(*a++);
    } else if (a == sparse_.cend() || (*b >> 8) < (*a >> 8)) {
      merged.push_back(*b++);
    } else {
      merged.push_back(std::max(*a++, *b++));  // same index: the larger rank is the larger entry
    }
  }
  sparse_.swap(merged);
  if (sparse_.size() * sizeof(uint32_t) > register_count() / 8) ToDense();
}

std::vector<uint32_t> HyperLogLog::Histogram() const {
  std::vector<uint32_t> counts(static_cast<size_t>(64 - p_ + 2), 0);
  if (dense_) {
    for (uint8_t r : registers_) ++counts[r];
  } else {
    counts[0] = static_cast<uint32_t>(register_count() - sparse_.size());
    for (uint32_t entry : sparse_) ++counts[entry & 0xff];
  }
  return counts;
}

double HyperLogLog::Estimate() const {
  const std::vector<uint32_t> c = Histogram();
  const double m = static_cast<double>(register_count());
  const int q = 64 - p_;
  if (c[0] == register_count()) return 0.0;
  double z = m * Tau(1.0 - c[static_cast<size_t>(q + 1)] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + c[static_cast<size_t>(k)]);
  z += m * Sigma(c[0] / m);
  const double alpha_inf = 1.0 / (2.0 * std::log(2.0));
  return alpha_inf * m * m / z;
}

double HyperLogLog::ClassicEstimate() const {
  const std::vector<uint32_t> c = Histogram();
  const double m = static_cast<double>(register_count());
  double alpha;
  switch (register_count()) {
    case 16:
      alpha = 0.673;
      break;
    case 32:
      alpha = 0.697;
      break;
    case 64:
      alpha = 0.709;
      break;
    default:
      alpha = 0.7213 / (1.0 + 1.079 / m);
  }
  double sum = 0;
  for (size_t k = 0; k < c.size(); ++k) sum += c[k] * std::ldexp(1.0, -static_cast<int>(k));
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && c[0] > 0) return m * std::log(m / c[0]);  // linear counting
  return raw;
}

void HyperLogLog::Clear() {
  dense_ = false;
  std::vector<uint8_t>().swap(registers_);
  std::vector<uint32_t>().swap(sparse_);
}

size_t HyperLogLog::MemoryBytes() const {
  return registers_.capacity() * sizeof(uint8_t) + sparse_.capacity() * sizeof(uint32_t);
}

}  // namespace bam::exporter
