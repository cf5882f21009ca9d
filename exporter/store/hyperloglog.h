// HyperLogLog: a fixed-memory estimate of the number of distinct keys added (Flajolet, Fusy,
// Gandouet, Meunier 2007), with 2^p one-byte registers and a 64-bit hash.
//
// Representation: a new sketch is sparse — a sorted vector of (register, rank) pairs holding only
// the non-zero registers — and turns dense (2^p bytes) once the pairs would take more than an
// eighth of the dense size. Both forms hold exactly the same register values, so the estimate does
// not depend on the form; the sparse form only saves memory for small sets (a unique metric keeps
// one sketch per sub-window per label set, and most of them are small).
//
// Estimate(): Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog
// sketches", 2017), computed from the histogram of register values. It needs no empirical bias
// tables and has no switch-over bump: its small-range term is the limit that linear counting
// approximates, and with a 64-bit hash no large-range correction is needed. ClassicEstimate() is
// the 2007 estimator with its linear-counting correction below 5m/2, kept for comparison.
// Relative standard error of both: about 1.04 / sqrt(2^p), 0.81% at the default p = 14.
//
// Not thread-safe: callers synchronise (UniqueMetric holds a mutex).
#ifndef BAM_EXPORTER_STORE_HYPERLOGLOG_H_
#define BAM_EXPORTER_STORE_HYPERLOGLOG_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bam::exporter {

// The 64-bit hash used for HyperLogLog keys: 16-byte blocks folded with a 64x64->128-bit multiply
// (the wyhash idea: multiply, then XOR the high and low halves), the last 0..16 bytes read as two
// overlapping words so every byte counts, and the murmur3 64-bit finaliser on top so that every
// output bit depends on every input bit. Short, near-identical keys ("u_0000001", "u_0000002")
// come out uniformly spread (hyperloglog_test checks the register spread of such keys).
// Deterministic across runs and machines of the same endianness; not keyed, so not meant to
// resist keys crafted to collide.
uint64_t HashKey(std::string_view key);

class HyperLogLog {
 public:
  static constexpr int kMinPrecision = 4;
  static constexpr int kMaxPrecision = 18;
  static constexpr int kDefaultPrecision = 14;

  // REQUIRES: kMinPrecision <= precision <= kMaxPrecision.
  explicit HyperLogLog(int precision = kDefaultPrecision);

  // Adds a key (hashed with HashKey) or an already computed 64-bit hash.
  void Add(std::string_view key) { AddHash(HashKey(key)); }
  void AddHash(uint64_t hash);

  // Folds `other` in: afterwards this sketch estimates the size of the union.
  // REQUIRES: other.precision() == precision().
  void Merge(const HyperLogLog& other);

  // Distinct keys added so far (improved estimator; see the file comment).
  double Estimate() const;
  // The 2007 estimator: raw harmonic mean, linear counting while it is below 5m/2.
  double ClassicEstimate() const;

  // Back to empty (and sparse), releasing the dense registers.
  void Clear();

  bool empty() const { return !dense_ && sparse_.empty(); }
  bool is_dense() const { return dense_; }
  int precision() const { return p_; }
  size_t register_count() const { return size_t{1} << p_; }
  // Heap bytes held (registers or sparse pairs), excluding sizeof(*this).
  size_t MemoryBytes() const;

 private:
  // Register value counts: counts[k] = registers holding k, k = 0 .. 64 - p + 1.
  std::vector<uint32_t> Histogram() const;
  void SetMax(uint32_t index, uint8_t rank);
  void ToDense();

  int p_;
  bool dense_ = false;
  std::vector<uint8_t> registers_;  // dense form: 2^p ranks
  std::vector<uint32_t> sparse_;    // sparse form: sorted (index << 8 | rank), unique indices
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_STORE_HYPERLOGLOG_H_
