#include "exporter/app/flags.h"

#include <gtest/gtest.h>

#include <vector>

namespace bam::exporter {
namespace {

bool Parse(std::vector<std::string> args, Flags* flags, std::string* error) {
  std::vector<char*> argv;
  static char name[] = "bam-exporter";
  argv.push_back(name);
  for (auto& a : args) argv.push_back(a.data());
  return ParseFlags(static_cast<int>(argv.size()), argv.data(), flags, error);
}

TEST(FlagsTest, AcceptsEqualsAndSpaceForms) {
  Flags flags;
  std::string error;
  ASSERT_TRUE(Parse({"--config.file=a.yml", "--one-shot", "--web.listen-address", "0.0.0.0:1"},
                    &flags, &error))
      << error;
  EXPECT_EQ(flags.config_file, "a.yml");
  EXPECT_TRUE(flags.one_shot);
  EXPECT_EQ(flags.listen_address, "0.0.0.0:1");
  EXPECT_EQ(flags.telemetry_path, "/metrics");
}

TEST(FlagsTest, RejectsUnknownFlagAndMissingConfig) {
  Flags flags;
  std::string error;
  EXPECT_FALSE(Parse({"--config.file=a.yml", "--oneshot"}, &flags, &error));
  EXPECT_EQ(error, "unknown flag --oneshot");
  Flags flags2;
  EXPECT_FALSE(Parse({"--one-shot"}, &flags2, &error));
  EXPECT_EQ(error, "--config.file is required");
}

TEST(FlagsTest, ModesExcludeEachOther) {
  Flags flags;
  std::string error;
  EXPECT_FALSE(Parse({"--config.file=a.yml", "--one-shot", "--check-config"}, &flags, &error));
  EXPECT_FALSE(Parse({"--config.file=a.yml", "--backfill"}, &flags, &error));
  EXPECT_EQ(error, "--backfill needs --output=FILE.om");
}

TEST(FlagsTest, ShutdownGraceIsADuration) {
  Flags flags;
  std::string error;
  EXPECT_TRUE(Parse({"--config.file=a.yml", "--web.shutdown-grace=5s"}, &flags, &error)) << error;
  EXPECT_EQ(flags.shutdown_grace, "5s");
  Flags bad;
  EXPECT_FALSE(Parse({"--config.file=a.yml", "--web.shutdown-grace=soon"}, &bad, &error));
  EXPECT_EQ(error, "--web.shutdown-grace must be a duration such as 0s, 5s or 1m");
}

TEST(FlagsTest, BackfillStepIsADurationOfAtLeastOneSecond) {
  Flags flags;
  std::string error;
  ASSERT_TRUE(Parse({"--config.file=a.yml", "--backfill", "--output=x.om"}, &flags, &error))
      << error;
  EXPECT_EQ(flags.backfill_step, "1m");
  Flags five;
  ASSERT_TRUE(Parse({"--config.file=a.yml", "--backfill", "--output=x.om", "--backfill.step=5m"},
                    &five, &error))
      << error;
  EXPECT_EQ(five.backfill_step, "5m");
  for (const char* bad : {"--backfill.step=500ms", "--backfill.step=often"}) {
    Flags f;
    EXPECT_FALSE(Parse({"--config.file=a.yml", "--backfill", "--output=x.om", bad}, &f, &error));
    EXPECT_EQ(error, "--backfill.step must be a duration of at least 1s, such as 1m or 5m");
  }
}

TEST(FlagsTest, VersionNeedsNoConfig) {
  Flags flags;
  std::string error;
  EXPECT_TRUE(Parse({"--version"}, &flags, &error));
  EXPECT_TRUE(flags.version);
}

}  // namespace
}  // namespace bam::exporter
