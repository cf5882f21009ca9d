// StdinStream: streams a descriptor line by line; the final unterminated line is delivered at end
// of input; Stop() is prompt without input and drops a held partial line.
#include "exporter/sources/stdin_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using ::testing::ElementsAre;

class StdinStreamTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe(fds_), 0); }
  void TearDown() override {
    CloseWriter();
    ::close(fds_[0]);
  }
  void WriteInput(const std::string& text) {
    ASSERT_EQ(::write(fds_[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void CloseWriter() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }
  StdinStreamOptions Options() {
    StdinStreamOptions o;
    o.fd = fds_[0];
    o.poll_timeout = std::chrono::milliseconds(5);
    return o;
  }
  static SourceConfig Source() {
    SourceConfig s;
    s.name = "pipe";
    s.kind = SourceKind::kStdin;
    return s;
  }
  int fds_[2] = {-1, -1};
};

TEST_F(StdinStreamTest, ReadsToEndOfInputAndDeliversTheUnterminatedLastLine) {
  WriteInput("a\nb\r\nc");
  CloseWriter();
  StdinStream stream(Source(), Options());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(stream.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return stream.Finished(); }));
  EXPECT_THAT(sink.Lines(), ElementsAre("a", "b", "c"));
  SourceStatus status = stream.Status();
  EXPECT_EQ(status.kind, "stdin");
  EXPECT_FALSE(status.running);
  ASSERT_EQ(status.inputs.size(), 1u);
  EXPECT_EQ(status.inputs[0].offset, 6u);
  EXPECT_EQ(status.inputs[0].lines, 3u);
  stream.Stop();
  EXPECT_EQ(sink.Count(), 3u);
}

TEST_F(StdinStreamTest, StreamsLinesAsTheyArriveAndStopDropsAHeldPartialLine) {
  StdinStream stream(Source(), Options());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(stream.Start(&sink, &error)) << error;
  EXPECT_TRUE(stream.Status().running);
  WriteInput("x\n");
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1; }));
  WriteInput("y\nhal");
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 2 && stream.Status().inputs[0].offset == 7; }));
  stream.Stop();  // the writer is still open: Stop must not wait for input
  EXPECT_FALSE(stream.Finished());
  EXPECT_FALSE(stream.Status().running);
  EXPECT_THAT(sink.Lines(), ElementsAre("x", "y"));
}

TEST_F(StdinStreamTest, StartTwiceIsAnError) {
  StdinStream stream(Source(), Options());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(stream.Start(&sink, &error)) << error;
  EXPECT_FALSE(stream.Start(&sink, &error));
  EXPECT_EQ(error, "stdin source pipe: already started");
  stream.Stop();
  stream.Stop();  // idempotent
}

}  // namespace
}  // namespace bam::exporter::testing
