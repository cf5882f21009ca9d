#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "exporter/parsers/parser.h"

namespace bam::exporter {
namespace {

FieldPath Path(std::string_view text) {
  FieldPath p;
  EXPECT_TRUE(FieldPath::Parse(text, &p)) << text;
  return p;
}

// The nginx pattern of specs/exporter-config.md, extended to Apache combined.
constexpr char kCombined[] =
    R"re(^(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+)[^"]*" )re"
    R"re((?P<status>\d{3}) (?P<bytes>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?)re";

std::unique_ptr<Parser> MustCompile(const std::string& pattern) {
  std::string error;
  auto parser = NewRegexParser(pattern, &error);
  EXPECT_NE(parser, nullptr) << error;
  return parser;
}

TEST(RegexParserTest, ReadsNamedGroupsOfApacheCombinedLine) {
  auto parser = MustCompile(kCombined);
  ASSERT_NE(parser, nullptr);
  const Record* r = parser->Parse(
      R"(192.168.1.23 - - [23/Mar/2018:12:31:01 +0000] "GET /api/config HTTP/1.1" 200 28 )"
      R"("https://fubarservice.example.com/" "libcurl")");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("ip")).str, "192.168.1.23");
  EXPECT_EQ(r->Get(Path("user")).str, "-");
  EXPECT_EQ(r->Get(Path("time")).str, "23/Mar/2018:12:31:01 +0000");
  EXPECT_EQ(r->Get(Path("method")).str, "GET");
  EXPECT_EQ(r->Get(Path("path")).str, "/api/config");
  const Value status = r->Get(Path("status"));
  EXPECT_EQ(status.kind, ValueKind::kString);  // groups are strings; expressions convert
  EXPECT_EQ(status.str, "200");
  EXPECT_EQ(r->Get(Path("bytes")).str, "28");
  EXPECT_EQ(r->Get(Path("agent")).str, "libcurl");
  EXPECT_TRUE(r->Get(Path("nope")).is_null());
  EXPECT_EQ(r->ArrayLength(r->Root()), 0u);
  EXPECT_TRUE(r->Element(r->Root(), 0).is_null());
}

TEST(RegexParserTest, GroupThatDidNotParticipateIsNullButEmptyMatchIsString) {
  auto parser = MustCompile(kCombined);
  ASSERT_NE(parser, nullptr);
  // Apache common: the optional referer/agent part is absent.
  const Record* r =
      parser->Parse(R"(10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 -)");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("user")).str, "frank");
  EXPECT_EQ(r->Get(Path("bytes")).str, "-");
  EXPECT_TRUE(r->Get(Path("referer")).is_null());
  EXPECT_TRUE(r->Get(Path("agent")).is_null());

  auto tiny = MustCompile(R"(^(?P<a>x)?(?P<b>y*)$)");
  ASSERT_NE(tiny, nullptr);
  r = tiny->Parse("");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->Get(Path("a")).is_null());
  EXPECT_EQ(r->Get(Path("b")).kind, ValueKind::kString);
  EXPECT_EQ(r->Get(Path("b")).str, "");
}

TEST(RegexParserTest, RejectsLinesThatDoNotMatch) {
  auto parser = MustCompile(kCombined);
  ASSERT_NE(parser, nullptr);
  EXPECT_EQ(parser->Parse(""), nullptr);
  EXPECT_EQ(parser->Parse("garbage"), nullptr);
  EXPECT_EQ(parser->Parse(R"(1.2.3.4 - - [x] "GET / HTTP/1.1" 2000 5)"), nullptr);
}

TEST(RegexParserTest, MatchesAnywhereUnlessAnchored) {
  auto parser = MustCompile(R"(status=(?P<status>\d+))");
  ASSERT_NE(parser, nullptr);
  const Record* r = parser->Parse("level=info status=503 took=2ms");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("status")).str, "503");
  auto anchored = MustCompile(R"(^status=(?P<status>\d+)$)");
  ASSERT_NE(anchored, nullptr);
  EXPECT_EQ(anchored->Parse("level=info status=503"), nullptr);
}

TEST(RegexParserTest, ReportsCompileErrors) {
  std::string error;
  EXPECT_EQ(NewRegexParser("(?P<a>x", &error), nullptr);
  EXPECT_NE(error.find("invalid regex"), std::string::npos) << error;
  EXPECT_NE(error.find("missing )"), std::string::npos) << error;

  error.clear();
  EXPECT_EQ(NewRegexParser(R"((\d+) (\w+))", &error), nullptr);
  EXPECT_NE(error.find("no named group"), std::string::npos) << error;

  error.clear();
  EXPECT_EQ(NewRegexParser(R"((?<a>x))", &error), nullptr);  // Perl/PCRE syntax; RE2 wants (?P<a>)
  EXPECT_FALSE(error.empty());
}

TEST(RegexParserTest, RecordViewsPointIntoTheLineUntilTheNextParse) {
  auto parser = MustCompile(R"((?P<k>\w+)=(?P<v>\w+))");
  ASSERT_NE(parser, nullptr);
  const std::string line1 = "alpha=one";
  const Record* r = parser->Parse(line1);
  ASSERT_NE(r, nullptr);
  const Value v = r->Get(Path("v"));
  EXPECT_EQ(v.str, "one");
  EXPECT_EQ(v.str.data(), line1.data() + 6);
  const std::string line2 = "beta=two";
  r = parser->Parse(line2);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("k")).str, "beta");
  EXPECT_EQ(r->Get(Path("v")).str, "two");
}

TEST(RegexParserTest, MatchesEveryLineOfApacheFixtures) {
  auto parser = MustCompile(kCombined);
  ASSERT_NE(parser, nullptr);
  const std::string dir = std::string(BAM_SHARED_DIR) + "/data/";
  for (const char* file :
       {"mtail-golden/apache-combined.log", "access-logs/elastic-examples_apache_logs.log"}) {
    std::ifstream in(dir + file);
    ASSERT_TRUE(in) << file;
    size_t lines = 0, matched = 0;
    for (std::string line; std::getline(in, line);) {
      ++lines;
      const Record* r = parser->Parse(line);
      if (r == nullptr) continue;
      ++matched;
      EXPECT_EQ(r->Get(Path("status")).str.size(), 3u) << line;
    }
    EXPECT_GT(lines, 0u) << file;
    EXPECT_EQ(matched, lines) << file;
  }
}

}  // namespace
}  // namespace bam::exporter
