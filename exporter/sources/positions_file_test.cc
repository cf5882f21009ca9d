// PositionsFile: round trip, missing and corrupt files, atomic replacement (a stale or half-written
// temporary file never matters), the flush interval, and concurrent use.
#include "exporter/sources/positions_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using ::testing::HasSubstr;

class PositionsFileTest : public TailerTest {
 protected:
  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  static uint64_t Inode(const std::string& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_ino;
  }
};

TEST_F(PositionsFileTest, MissingFileIsAnEmptyMap) {
  PositionsFile positions(Path("positions.json"));
  std::string error;
  EXPECT_TRUE(positions.Load(&error)) << error;
  EXPECT_TRUE(positions.Entries("shop").empty());
}

TEST_F(PositionsFileTest, RoundTrip) {
  const std::string path = Path("positions.json");
  {
    PositionsFile positions(path);
    positions.Set("shop", "/var/log/shop/a.jsonl", {2049, 11}, 100);
    positions.Set("shop", "/var/log/shop/b.jsonl", {2049, 12}, 7);
    positions.Set("nginx", "/var/log/nginx/access.log", {2049, 11}, 5);  // same file, other source
    positions.Set("shop", "/var/log/shop/c.jsonl", {2049, 13}, 1);
    positions.Remove("shop", {2049, 13});
    std::string error;
    ASSERT_TRUE(positions.Flush(&error)) << error;
  }
  EXPECT_EQ(Read(path),
            "{\n"
            " \"positions\": [\n"
            "  {\n"
            "   \"dev\": 2049,\n"
            "   \"inode\": 11,\n"
            "   \"offset\": 5,\n"
            "   \"path\": \"/var/log/nginx/access.log\",\n"
            "   \"source\": \"nginx\"\n"
            "  },\n"
            "  {\n"
            "   \"dev\": 2049,\n"
            "   \"inode\": 11,\n"
            "   \"offset\": 100,\n"
            "   \"path\": \"/var/log/shop/a.jsonl\",\n"
            "   \"source\": \"shop\"\n"
            "  },\n"
            "  {\n"
            "   \"dev\": 2049,\n"
            "   \"inode\": 12,\n"
            "   \"offset\": 7,\n"
            "   \"path\": \"/var/log/shop/b.jsonl\",\n"
            "   \"source\": \"shop\"\n"
            "  }\n"
            " ],\n"
            " \"version\": 1\n"
            "}\n");
  PositionsFile loaded(path);
  std::string error;
  ASSERT_TRUE(loaded.Load(&error)) << error;
  EXPECT_EQ(loaded.Get("shop", {2049, 11}), 100u);
  EXPECT_EQ(loaded.Get("shop", {2049, 12}), 7u);
  EXPECT_EQ(loaded.Get("nginx", {2049, 11}), 5u);
  EXPECT_EQ(loaded.Get("shop", {2049, 13}), std::nullopt);
  EXPECT_EQ(loaded.Get("shop", {2050, 11}), std::nullopt);
  EXPECT_TRUE(loaded.HasPath("shop", "/var/log/shop/b.jsonl"));
  EXPECT_FALSE(loaded.HasPath("nginx", "/var/log/shop/b.jsonl"));
  ASSERT_EQ(loaded.Entries("shop").size(), 2u);
  EXPECT_EQ(loaded.Entries("shop")[1].path, "/var/log/shop/b.jsonl");
}

TEST_F(PositionsFileTest, CorruptFileIsAnErrorNotACrash) {
  const std::string path = Path("positions.json");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"version\": 1, \"positions\": [", "not valid JSON"},
      {"", "not valid JSON"},
      {"[]", "not a positions file"},
      {"{\"positions\": []}", "not a positions file"},
      {"{\"version\": 2, \"positions\": []}", "unsupported positions file version 2"},
      {"{\"version\": 1, \"positions\": [{\"source\": \"s\", \"path\": \"p\", \"dev\": 1, "
       "\"inode\": 2, \"offset\": -3}]}",
       "positions[0]: want {source, path, dev, inode, offset}"},
      {"{\"version\": 1, \"positions\": [17]}", "positions[0]"},
  };
  for (const auto& [text, want] : cases) {
    Write(path, text);
    PositionsFile positions(path);
    positions.Set("s", "p", {1, 2}, 9);
    std::string error;
    EXPECT_FALSE(positions.Load(&error)) << text;
    EXPECT_THAT(error, HasSubstr(path + ": ")) << text;
    EXPECT_THAT(error, HasSubstr(want)) << text;
    EXPECT_TRUE(positions.Entries("s").empty()) << text;
  }
}

TEST_F(PositionsFileTest, StaleTemporaryFileFromACrashIsIgnoredAndReplaced) {
  const std::string path = Path("positions.json");
  {
    PositionsFile positions(path);
    positions.Set("s", "a.log", {1, 2}, 10);
    std::string error;
    ASSERT_TRUE(positions.Flush(&error)) << error;
  }
  const std::string good = Read(path);
  // A crash in the middle of a write leaves a half-written temporary file, never a half-written
  // positions file: the rename is the commit point.
  Write(path + ".tmp", "{\"version\": 1, \"positi");
  PositionsFile positions(path);
  std::string error;
  ASSERT_TRUE(positions.Load(&error)) << error;
  EXPECT_EQ(positions.Get("s", {1, 2}), 10u);
  EXPECT_EQ(Read(path), good);

  positions.Set("s", "a.log", {1, 2}, 20);
  ASSERT_TRUE(positions.Flush(&error)) << error;
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  PositionsFile reloaded(path);
  ASSERT_TRUE(reloaded.Load(&error)) << error;
  EXPECT_EQ(reloaded.Get("s", {1, 2}), 20u);
}

TEST_F(PositionsFileTest, EveryWriteReplacesTheFileInsteadOfRewritingItInPlace) {
  const std::string path = Path("positions.json");
  PositionsFile positions(path);
  std::string error;
  positions.Set("s", "a.log", {1, 2}, 1);
  ASSERT_TRUE(positions.Flush(&error)) << error;
  const uint64_t first = Inode(path);
  ASSERT_TRUE(positions.Flush(&error)) << error;  // unchanged: not rewritten
  EXPECT_EQ(Inode(path), first);
  positions.Set("s", "a.log", {1, 2}, 2);
  // A reader holding the old file (as after a crash) still sees complete old content.
  std::ifstream old_reader(path, std::ios::binary);
  ASSERT_TRUE(positions.Flush(&error)) << error;
  EXPECT_NE(Inode(path), first);  // a new file was renamed over the old one
  std::stringstream old_content;
  old_content << old_reader.rdbuf();
  EXPECT_THAT(old_content.str(), HasSubstr("\"offset\": 1"));
  EXPECT_THAT(Read(path), HasSubstr("\"offset\": 2"));
}

TEST_F(PositionsFileTest, MaybeFlushWritesAtMostOncePerInterval) {
  const std::string path = Path("positions.json");
  FakeClock clock;
  PositionsFile positions(path, {std::chrono::milliseconds(1000), clock.Fn()});
  auto stored = [&] {
    PositionsFile p(path);
    std::string error;
    EXPECT_TRUE(p.Load(&error)) << error;
    return p.Get("s", {1, 2});
  };
  std::string error;
  positions.Set("s", "a.log", {1, 2}, 1);
  ASSERT_TRUE(positions.MaybeFlush(&error)) << error;
  EXPECT_EQ(stored(), 1u);
  positions.Set("s", "a.log", {1, 2}, 2);
  clock.Advance(std::chrono::milliseconds(999));
  ASSERT_TRUE(positions.MaybeFlush(&error)) << error;
  EXPECT_EQ(stored(), 1u);  // within the interval: not yet
  clock.Advance(std::chrono::milliseconds(1));
  ASSERT_TRUE(positions.MaybeFlush(&error)) << error;
  EXPECT_EQ(stored(), 2u);
}

TEST_F(PositionsFileTest, WriteFailureIsReportedAndLeavesNothingBehind) {
  PositionsFile positions(Path("no-such-dir/positions.json"));
  std::string error;
  EXPECT_TRUE(positions.Load(&error)) << error;  // missing: first run
  positions.Set("s", "a.log", {1, 2}, 1);
  EXPECT_FALSE(positions.Flush(&error));
  EXPECT_THAT(error, HasSubstr("no-such-dir/positions.json.tmp: No such file or directory"));
}

TEST_F(PositionsFileTest, ConcurrentSettersAndFlushers) {
  const std::string path = Path("positions.json");
  PositionsFile positions(path);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 1; i <= 500; ++i) {
        positions.Set("s" + std::to_string(t), "f.log", {1, static_cast<uint64_t>(t)}, i);
        if (i % 100 == 0) {
          std::string error;
          EXPECT_TRUE(positions.Flush(&error)) << error;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string error;
  ASSERT_TRUE(positions.Flush(&error)) << error;
  PositionsFile loaded(path);
  ASSERT_TRUE(loaded.Load(&error)) << error;
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(loaded.Get("s" + std::to_string(t), {1, static_cast<uint64_t>(t)}), 500u);
  }
}

}  // namespace
}  // namespace bam::exporter::testing
