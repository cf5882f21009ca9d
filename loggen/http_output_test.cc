// HTTP output against a local NDJSON sink on 127.0.0.1 (port chosen by the kernel).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "loggen/output.h"
#include "loggen/testing/in_process.h"
#include "loggen/testing/log_count.h"
#include "loggen/testing/ndjson_server.h"

namespace bam::loggen {
namespace {

const std::vector<std::string> kFlags = {"--seed=21", "--start=2025-11-04T18:00:00Z",
                                         "--duration=2h", "--out=unused"};

TEST(HttpOutputTest, PostsEveryLineInBatches) {
  testing::NdjsonServer server;
  std::string error;
  auto out = OpenHttpOutput({server.url(), 64 * 1024, 3}, &error);
  ASSERT_NE(out, nullptr) << error;
  nlohmann::json truth = testing::RunBackfill(kFlags, out.get());
  const std::string body = server.body();
  testing::LogCount c = testing::CountJsonLines(body);
  EXPECT_EQ(c.lines, truth.at("lines").get<uint64_t>());
  EXPECT_EQ(c.unparsable, 0u);
  EXPECT_EQ(c.revenue_cents, truth.at("revenue_completed_cents").get<int64_t>());
  EXPECT_GT(server.accepted_requests(), static_cast<int>(body.size() / (64 * 1024)));
  EXPECT_EQ(server.last_content_type(), "application/x-ndjson");

  // Same bytes as the file output of the same run.
  const std::string path =
      std::filesystem::temp_directory_path() / ("bam_loggen_http_" + std::to_string(getpid()));
  auto file = OpenFileOutput({path, Rotation::kNone, 0}, &error);
  testing::RunBackfill(kFlags, file.get());
  EXPECT_TRUE(body == testing::ReadFile(path));
  std::filesystem::remove(path);
}

TEST(HttpOutputTest, RetriesA503AndLosesNothing) {
  testing::NdjsonServer server(/*fail_first=*/2);
  std::string error;
  auto out = OpenHttpOutput({server.url(), 256 * 1024, 3}, &error);
  nlohmann::json truth = testing::RunBackfill(kFlags, out.get());
  EXPECT_EQ(server.rejected_requests(), 2);
  EXPECT_EQ(testing::CountJsonLines(server.body()).lines, truth.at("lines").get<uint64_t>());
}

TEST(HttpOutputTest, UnreachableEndpointIsAnError) {
  int port;
  {
    testing::NdjsonServer server;  // learn a free port, then close it
    port = server.port();
  }
  std::string error;
  auto out =
      OpenHttpOutput({"http://127.0.0.1:" + std::to_string(port) + "/push", 1024, 0}, &error);
  Status s = out->Write("{\"a\":1}\n");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("POST http://127.0.0.1:"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace bam::loggen
