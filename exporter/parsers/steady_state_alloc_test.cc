// The per-line path must not allocate once buffers have grown: this binary counts every call to
// the global operator new between warm-up and the measured pass.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "exporter/parsers/parser.h"
#include "exporter/parsers/timestamp.h"

namespace {
std::atomic<size_t> g_allocations{0};

void* Allocate(std::size_t n) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace

// Every non-aligned form is replaced, so that no replaced delete meets a sanitizer's own new.
void* operator new(std::size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
// noinline: once inlined, GCC pairs free() with the replaced operator new and warns.
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace bam::exporter {
namespace {

std::vector<FieldPath> Paths(std::initializer_list<const char*> texts) {
  std::vector<FieldPath> paths;
  for (const char* t : texts) {
    FieldPath p;
    EXPECT_TRUE(FieldPath::Parse(t, &p)) << t;
    paths.push_back(std::move(p));
  }
  return paths;
}

// Parses every line and reads every path, `each:`-style array walks included; returns a checksum.
size_t Pass(Parser& parser, const std::vector<std::string>& lines,
            const std::vector<FieldPath>& paths, const TimestampLayout& layout) {
  size_t sum = 0;
  for (const std::string& line : lines) {
    const Record* r = parser.Parse(line);
    if (r == nullptr) continue;
    for (const FieldPath& p : paths) {
      const Value v = r->Get(p);
      sum += v.str.size() + static_cast<size_t>(v.kind);
      for (size_t i = 0; i < r->ArrayLength(v); ++i) {
        sum += static_cast<size_t>(r->Member(r->Element(v, i), paths[0]).kind);
      }
      int64_t ms = 0;
      if (layout.ToUnixMillis(v, &ms)) sum += static_cast<size_t>(ms & 1);
    }
  }
  return sum;
}

void ExpectNoSteadyStateAllocation(Parser& parser, const std::vector<std::string>& lines,
                                   const std::vector<FieldPath>& paths, std::string_view layout) {
  TimestampLayout ts;
  std::string error;
  ASSERT_TRUE(TimestampLayout::Parse(layout, &ts, &error)) << error;
  const size_t warm = Pass(parser, lines, paths, ts);
  Pass(parser, lines, paths, ts);
  const size_t before = g_allocations.load();
  const size_t measured = Pass(parser, lines, paths, ts);
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_EQ(measured, warm);
  EXPECT_GT(measured, 0u);
}

TEST(SteadyStateAllocationTest, JsonParserDoesNotAllocate) {
  auto parser = NewJsonParser();
  const std::vector<std::string> lines = {
      R"({"ts":"2026-11-01T10:42:00.123Z","products":[{"category":"a","p":1},{"category":"b"}]})",
      R"({"ts":"2026-11-01T10:42:01Z","geo":{"city":"Cairo"},"tags":["x","y","z"],"big":1e400})",
      R"({"ts":"2026-11-01T10:42:02Z","big":123456789012345678901234,"products":[]})", "not json",
      R"({"short":1})"};
  ExpectNoSteadyStateAllocation(*parser, lines,
                                Paths({"category", "ts", "products", "geo.city", "tags", "big",
                                       "products[1].category", "log.level"}),
                                "rfc3339");
}

TEST(SteadyStateAllocationTest, LogfmtParserDoesNotAllocate) {
  auto parser = NewLogfmtParser();
  const std::vector<std::string> lines = {
      R"(time="2021-09-15T21:17:10.220731Z" level=error msg="a \"quoted\" \u00e9" reason=)",
      R"(time="2021-09-15T21:17:11Z" level=info msg="short" flag)", R"(broken="unterminated)"};
  ExpectNoSteadyStateAllocation(*parser, lines, Paths({"level", "time", "msg", "reason", "flag"}),
                                "rfc3339");
}

TEST(SteadyStateAllocationTest, RegexOnePassParserDoesNotAllocate) {
  std::string error;
  auto parser = NewRegexParser(R"(^(?P<k>[a-z]+)=(?P<v>[0-9]+)(?: (?P<rest>.*))?$)", &error);
  ASSERT_NE(parser, nullptr) << error;
  const std::vector<std::string> lines = {"status=200 took 5ms", "code=1", "garbage"};
  ExpectNoSteadyStateAllocation(*parser, lines, Paths({"k", "v", "rest"}), "unix");
}

// RE2 extracts submatches of patterns that are not one-pass (like this one) with BitState/NFA,
// which allocate scratch inside RE2 on every match; only the record's reads are allocation-free.
TEST(SteadyStateAllocationTest, RegexRecordReadsDoNotAllocate) {
  std::string error;
  auto parser = NewRegexParser(
      R"(^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+)[^"]*" (?P<status>\d{3}))",
      &error);
  ASSERT_NE(parser, nullptr) << error;
  const Record* r = parser->Parse(
      R"(192.168.1.23 - - [23/Mar/2018:12:31:01 +0000] "GET /api/config HTTP/1.1" 200 28)");
  ASSERT_NE(r, nullptr);
  TimestampLayout ts;
  ASSERT_TRUE(TimestampLayout::Parse("%d/%b/%Y:%H:%M:%S %z", &ts, &error)) << error;
  const std::vector<FieldPath> paths = Paths({"ip", "time", "method", "path", "status", "nope"});
  const size_t before = g_allocations.load();
  size_t sum = 0;
  for (const FieldPath& p : paths) sum += r->Get(p).str.size();
  int64_t ms = 0;
  EXPECT_TRUE(ts.ToUnixMillis(r->Get(paths[1]), &ms));
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_EQ(sum, 12u + 26 + 3 + 11 + 3);
  EXPECT_EQ(ms, 1521808261000);
}

}  // namespace
}  // namespace bam::exporter
