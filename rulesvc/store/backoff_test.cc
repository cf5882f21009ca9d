#include "rulesvc/store/backoff.h"

#include <gtest/gtest.h>

#include <limits>

namespace bam::rulesvc {
namespace {

using std::chrono::milliseconds;

TEST(BackoffDelayTest, DoublesFromInitialUpToMax) {
  const BackoffPolicy p;  // 1s .. 300s
  EXPECT_EQ(BackoffDelay(0, p), milliseconds(0));
  EXPECT_EQ(BackoffDelay(-3, p), milliseconds(0));
  EXPECT_EQ(BackoffDelay(1, p), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(2, p), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(3, p), milliseconds(4000));
  EXPECT_EQ(BackoffDelay(9, p), milliseconds(256000));
  EXPECT_EQ(BackoffDelay(10, p), milliseconds(300000));
  EXPECT_EQ(BackoffDelay(11, p), milliseconds(300000));
}

TEST(BackoffDelayTest, HugeAttemptCountsDoNotOverflow) {
  const BackoffPolicy p{milliseconds(250), milliseconds(3600000)};
  EXPECT_EQ(BackoffDelay(64, p), milliseconds(3600000));
  EXPECT_EQ(BackoffDelay(std::numeric_limits<int>::max(), p), milliseconds(3600000));
}

TEST(BackoffDelayTest, MaxEqualToInitialIsConstant) {
  const BackoffPolicy p{milliseconds(500), milliseconds(500)};
  EXPECT_EQ(BackoffDelay(1, p), milliseconds(500));
  EXPECT_EQ(BackoffDelay(5, p), milliseconds(500));
}

TEST(BackoffDelayTest, CapThatIsNotAPowerOfTwoMultiple) {
  const BackoffPolicy p{milliseconds(1000), milliseconds(5000)};
  EXPECT_EQ(BackoffDelay(3, p), milliseconds(4000));
  EXPECT_EQ(BackoffDelay(4, p), milliseconds(5000));
}

}  // namespace
}  // namespace bam::rulesvc
