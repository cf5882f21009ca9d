// Deterministic randomness for bam-loggen: splitmix64 streams and hand-written distributions.
//
// std::*_distribution is not used on purpose: its output differs between standard libraries, and
// the generator promises byte-identical output for the same seed. Every draw here is a pure
// function of (key, counter), so a session can be replayed in the world without an incident and
// draw the same numbers for the same decisions. Value types; not thread-safe to share one Stream
// between threads.
#ifndef BAM_LOGGEN_RNG_H_
#define BAM_LOGGEN_RNG_H_

#include <cmath>
#include <cstdint>

namespace bam::loggen {

// The splitmix64 finaliser: a bijective 64-bit mix.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Derives an independent key from a parent key and an index (e.g. seed and session number).
inline uint64_t DeriveKey(uint64_t parent, uint64_t index) {
  return Mix64(parent + 0x9e3779b97f4a7c15ULL * (index + 1));
}

// A counter-based sequence: draw i is Mix64(key + i * golden). Cheap to create, cheap to copy.
class Stream {
 public:
  explicit Stream(uint64_t key) : key_(key) {}

  uint64_t Next() { return Mix64(key_ + 0x9e3779b97f4a7c15ULL * ++counter_); }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n). REQUIRES: 0 < n < 2^53.
  uint64_t Below(uint64_t n) {
    uint64_t v = static_cast<uint64_t>(Uniform() * static_cast<double>(n));
    return v < n ? v : n - 1;
  }

  bool Bernoulli(double p) { return Uniform() < p; }

  // Standard normal, Box-Muller (one value per call, two draws).
  double Normal() {
    double u1 = Uniform();
    double u2 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Lognormal with the given median and sigma of the underlying normal.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

  // Exponential with the given mean.
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }

  // Poisson: Knuth below a mean of 40, a rounded normal approximation above (error well below 1%).
  uint64_t Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 40) {
      double limit = std::exp(-mean), p = 1.0;
      uint64_t k = 0;
      while (true) {
        p *= Uniform();
        if (p <= limit) return k;
        ++k;
      }
    }
    double x = std::floor(mean + std::sqrt(mean) * Normal() + 0.5);
    return x < 0 ? 0 : static_cast<uint64_t>(x);
  }

  // Index drawn from cumulative weights `cum[0..n)` (non-decreasing, last = total).
  int Pick(const double* cum, int n) {
    double u = Uniform() * cum[n - 1];
    for (int i = 0; i < n - 1; ++i) {
      if (u < cum[i]) return i;
    }
    return n - 1;
  }

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_RNG_H_
