#include "exporter/store/hyperloglog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace bam::exporter {
namespace {

// Keys shaped like the user ids of bam-loggen: short, sequential, differing in one or two bytes.
std::string UserKey(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "u_%07llu", static_cast<unsigned long long>(i));
  return buf;
}

double RelativeError(double estimate, double truth) { return std::fabs(estimate - truth) / truth; }

void AddRange(HyperLogLog* hll, uint64_t from, uint64_t to) {
  for (uint64_t i = from; i < to; ++i) hll->Add(UserKey(i));
}

TEST(HyperLogLogTest, EmptySketchEstimatesZero) {
  HyperLogLog hll;
  EXPECT_TRUE(hll.empty());
  EXPECT_EQ(hll.Estimate(), 0.0);
  EXPECT_EQ(hll.ClassicEstimate(), 0.0);
  EXPECT_EQ(hll.MemoryBytes(), 0u);
}

TEST(HyperLogLogTest, WithinTwoPercentAtTenThousandHundredThousandAndAMillion) {
  HyperLogLog hll;
  uint64_t added = 0;
  for (uint64_t n : {10'000u, 100'000u, 1'000'000u}) {
    AddRange(&hll, added, n);
    added = n;
    const double truth = static_cast<double>(n);
    std::printf("n=%llu improved=%.0f (%.3f%%) classic=%.0f (%.3f%%)\n",
                static_cast<unsigned long long>(n), hll.Estimate(),
                100 * RelativeError(hll.Estimate(), truth), hll.ClassicEstimate(),
                100 * RelativeError(hll.ClassicEstimate(), truth));
    EXPECT_LE(RelativeError(hll.Estimate(), truth), 0.02) << n;
    EXPECT_LE(RelativeError(hll.ClassicEstimate(), truth), 0.02) << n;
  }
}

// The classic estimator's weak spot is the switch from linear counting to the raw estimate
// (around 2.5 m = 40,960 at p = 14); the improved one has none. Sweep through it.
TEST(HyperLogLogTest, ImprovedEstimatorHasNoBumpAcrossTheRanges) {
  HyperLogLog hll;
  uint64_t added = 0;
  double worst = 0;
  for (uint64_t n = 1; n <= 2'000'000; n = n < 10 ? n + 1 : n + n / 4) {
    AddRange(&hll, added, n);
    added = n;
    const double error = RelativeError(hll.Estimate(), static_cast<double>(n));
    worst = std::max(worst, error);
    EXPECT_LE(error, 0.02) << n;
  }
  std::printf("worst relative error 1..2M: %.3f%%\n", 100 * worst);
}

TEST(HyperLogLogTest, SmallSetsAreCountedAlmostExactly) {
  HyperLogLog hll;
  AddRange(&hll, 0, 100);
  EXPECT_NEAR(hll.Estimate(), 100, 1);
  EXPECT_FALSE(hll.is_dense());
}

TEST(HyperLogLogTest, DuplicatesDoNotChangeTheEstimate) {
  HyperLogLog hll;
  AddRange(&hll, 0, 100'000);
  const double once = hll.Estimate();
  for (int round = 0; round < 3; ++round) AddRange(&hll, 0, 100'000);
  EXPECT_EQ(hll.Estimate(), once);

  HyperLogLog sparse;
  AddRange(&sparse, 0, 50);
  const double sparse_once = sparse.Estimate();
  AddRange(&sparse, 0, 50);
  EXPECT_EQ(sparse.Estimate(), sparse_once);
}

TEST(HyperLogLogTest, MergeEstimatesTheUnion) {
  HyperLogLog a, b, all;
  AddRange(&a, 0, 600'000);
  AddRange(&b, 400'000, 1'000'000);
  AddRange(&all, 0, 1'000'000);
  a.Merge(b);
  EXPECT_EQ(a.Estimate(), all.Estimate());  // same registers, same estimate
  EXPECT_LE(RelativeError(a.Estimate(), 1e6), 0.02);
}

TEST(HyperLogLogTest, MergeOfSparseAndDenseFormsMatchesOneSketch) {
  HyperLogLog small1, small2, big, all;
  AddRange(&small1, 0, 200);
  AddRange(&small2, 150, 400);
  AddRange(&big, 1000, 50'000);
  AddRange(&all, 0, 400);
  AddRange(&all, 1000, 50'000);

  HyperLogLog sparse_union = small1;
  sparse_union.Merge(small2);  // sparse + sparse
  HyperLogLog both_small;
  AddRange(&both_small, 0, 400);
  EXPECT_EQ(sparse_union.Estimate(), both_small.Estimate());

  HyperLogLog dense_first = big;
  dense_first.Merge(sparse_union);  // dense + sparse
  HyperLogLog sparse_first = sparse_union;
  sparse_first.Merge(big);  // sparse + dense
  EXPECT_EQ(dense_first.Estimate(), all.Estimate());
  EXPECT_EQ(sparse_first.Estimate(), all.Estimate());
  EXPECT_TRUE(sparse_first.is_dense());
}

TEST(HyperLogLogTest, MemoryIsBoundedByTheRegisters) {
  HyperLogLog hll;
  AddRange(&hll, 0, 100);
  EXPECT_LE(hll.MemoryBytes(), 1024u);  // sparse: 4 bytes per non-zero register
  AddRange(&hll, 100, 1'000'000);
  EXPECT_TRUE(hll.is_dense());
  EXPECT_EQ(hll.MemoryBytes(), 16384u);  // 2^14 one-byte registers, whatever the count
  std::printf("p=14 sketch at 1M keys: %zu bytes\n", hll.MemoryBytes());
  hll.Clear();
  EXPECT_EQ(hll.MemoryBytes(), 0u);
  EXPECT_EQ(hll.Estimate(), 0.0);
}

TEST(HyperLogLogTest, PrecisionSetsTheRegisterCount) {
  HyperLogLog hll(10);
  AddRange(&hll, 0, 100'000);
  EXPECT_EQ(hll.MemoryBytes(), 1024u);
  // 1.04 / sqrt(1024) = 3.25% standard error: allow four of them.
  EXPECT_LE(RelativeError(hll.Estimate(), 1e5), 0.13);
}

// Sequential short keys must spread evenly over the registers and set every hash bit half the
// time; a weak mixer fails both long before it visibly skews the estimate.
TEST(HyperLogLogTest, HashSpreadsSequentialKeysUniformly) {
  constexpr int kP = 14;
  constexpr uint64_t kKeys = 1'000'000;
  std::vector<uint32_t> per_register(size_t{1} << kP, 0);
  std::vector<uint32_t> bit_set(64, 0);
  for (uint64_t i = 0; i < kKeys; ++i) {
    const uint64_t h = HashKey(UserKey(i));
    ++per_register[h >> (64 - kP)];
    for (int bit = 0; bit < 64; ++bit) bit_set[bit] += (h >> bit) & 1;
  }
  const double expected = static_cast<double>(kKeys) / per_register.size();
  double chi2 = 0;
  for (uint32_t c : per_register) chi2 += (c - expected) * (c - expected) / expected;
  const double dof = static_cast<double>(per_register.size() - 1);
  EXPECT_LT(chi2, dof + 6 * std::sqrt(2 * dof)) << "chi-square over registers";
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_NEAR(bit_set[bit] / static_cast<double>(kKeys), 0.5, 0.005) << "bit " << bit;
  }
  // Lengths that take every tail path, and a long key, hash apart.
  EXPECT_NE(HashKey(""), HashKey(std::string(1, '\0')));
  EXPECT_NE(HashKey("abc"), HashKey("abd"));
  EXPECT_NE(HashKey("abcdefgh"), HashKey("abcdefgi"));
  EXPECT_NE(HashKey(std::string(40, 'x') + "1"), HashKey(std::string(40, 'x') + "2"));
}

}  // namespace
}  // namespace bam::exporter
