#include "rulesvc/webhook/fingerprint.h"

#include <gtest/gtest.h>

namespace bam::rulesvc {
namespace {

// Expected values are the fingerprints a real Alertmanager 0.25.0 generated for these label sets
// (shared/data/alertmanager-webhooks/captured-alertmanager-0.25.0/).
TEST(LabelsFingerprintTest, MatchesAlertmanager) {
  EXPECT_EQ(LabelsFingerprint({{"alertname", "PaymentErrorRatioHigh"},
                               {"service", "payment"},
                               {"severity", "warning"}}),
            "3fd3cb760b475c01");
  EXPECT_EQ(LabelsFingerprint({{"alertname", "OrderRateLow"},
                               {"region", "apac"},
                               {"service", "checkout"},
                               {"severity", "page"}}),
            "568715ef3778af36");
}

TEST(LabelsFingerprintTest, EmptySetIsTheOffsetBasis) {
  EXPECT_EQ(LabelsFingerprint({}), "cbf29ce484222325");
}

TEST(LabelsFingerprintTest, SeparatorKeepsNameValueBoundaries) {
  EXPECT_NE(LabelsFingerprint({{"ab", "c"}}), LabelsFingerprint({{"a", "bc"}}));
}

}  // namespace
}  // namespace bam::rulesvc
