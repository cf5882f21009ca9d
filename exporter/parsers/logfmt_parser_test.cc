#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "exporter/parsers/parser.h"

namespace bam::exporter {
namespace {

FieldPath Path(std::string_view text) {
  FieldPath p;
  EXPECT_TRUE(FieldPath::Parse(text, &p)) << text;
  return p;
}

TEST(LogfmtParserTest, ReadsBareQuotedEmptyAndFlagValues) {
  auto parser = NewLogfmtParser();
  const Record* r = parser->Parse(
      R"(level=info msg="order placed" amount=12.50 reason= dry_run  user_id=42	path=/a?b=c)");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("level")).str, "info");
  EXPECT_EQ(r->Get(Path("msg")).str, "order placed");
  const Value amount = r->Get(Path("amount"));
  EXPECT_EQ(amount.kind, ValueKind::kString);  // numbers stay strings; expressions convert
  EXPECT_EQ(amount.str, "12.50");
  const Value reason = r->Get(Path("reason"));
  EXPECT_EQ(reason.kind, ValueKind::kString);
  EXPECT_EQ(reason.str, "");
  const Value dry_run = r->Get(Path("dry_run"));
  EXPECT_EQ(dry_run.kind, ValueKind::kBool);
  EXPECT_TRUE(dry_run.boolean);
  EXPECT_EQ(r->Get(Path("user_id")).str, "42");
  EXPECT_EQ(r->Get(Path("path")).str, "/a?b=c");
  EXPECT_TRUE(r->Get(Path("missing")).is_null());
}

TEST(LogfmtParserTest, UnescapesQuotedValues) {
  auto parser = NewLogfmtParser();
  const Record* r = parser->Parse(
      R"(a="say \"hi\"" b="back\\slash" c="two\nlines\tx" d="caf\u00e9" e="\x41\/" f="keep \q" g="")");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("a")).str, "say \"hi\"");
  EXPECT_EQ(r->Get(Path("b")).str, "back\\slash");
  EXPECT_EQ(r->Get(Path("c")).str, "two\nlines\tx");
  EXPECT_EQ(r->Get(Path("d")).str, "caf\xC3\xA9");
  EXPECT_EQ(r->Get(Path("e")).str, "A/");
  EXPECT_EQ(r->Get(Path("f")).str, "keep \\q");
  EXPECT_EQ(r->Get(Path("g")).kind, ValueKind::kString);
  EXPECT_EQ(r->Get(Path("g")).str, "");
}

TEST(LogfmtParserTest, KeepsRawUtf8) {
  auto parser = NewLogfmtParser();
  const Record* r = parser->Parse("city=Zürich note=\"€ 5\"");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("city")).str, "Zürich");
  EXPECT_EQ(r->Get(Path("note")).str, "€ 5");
}

TEST(LogfmtParserTest, RecordViewsSurviveUntilTheNextParse) {
  auto parser = NewLogfmtParser();
  // Several escaped values: earlier unescaped views must not move when later ones are written.
  const Record* r = parser->Parse(R"(a="1\"" b="2\\" c="3\n" d="4\t" e="5\"")");
  ASSERT_NE(r, nullptr);
  const Value a = r->Get(Path("a"));
  const Value b = r->Get(Path("b"));
  const Value e = r->Get(Path("e"));
  EXPECT_EQ(a.str, "1\"");
  EXPECT_EQ(b.str, "2\\");
  EXPECT_EQ(e.str, "5\"");
  // A longer line afterwards grows the scratch buffer and replaces every value.
  std::string long_line = "x=\"" + std::string(5000, 'y') + "\\n\" z=1";
  r = parser->Parse(long_line);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("x")).str, std::string(5000, 'y') + "\n");
  EXPECT_EQ(r->Get(Path("z")).str, "1");
  EXPECT_TRUE(r->Get(Path("a")).is_null());
}

TEST(LogfmtParserTest, RejectsLinesThatAreNotLogfmt) {
  auto parser = NewLogfmtParser();
  for (const char* bad :
       {"", "   ", "=value", "a=1 =2", R"(msg="unterminated)", R"(a="x"y)", R"(a=b"c)", R"("a"=b)",
        R"(a"b=c)", R"(a="ends with \")", R"(a="x" ="y")"}) {
    EXPECT_EQ(parser->Parse(bad), nullptr) << bad;
  }
}

TEST(LogfmtParserTest, LooksUpKeysFlat) {
  auto parser = NewLogfmtParser();
  const Record* r = parser->Parse("http.status=200 a=1 a=2 list[0]=x");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("http.status")).str, "200");  // the literal key, not a nested lookup
  EXPECT_EQ(r->Get(Path("a")).str, "2");              // last occurrence wins
  EXPECT_EQ(r->Get(Path("list[0]")).str, "x");
  EXPECT_EQ(r->ArrayLength(r->Root()), 0u);
  EXPECT_TRUE(r->Element(r->Root(), 0).is_null());
  EXPECT_TRUE(r->Member(Value::String("a"), Path("a")).is_null());
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(LogfmtParserTest, ParsesEveryLineOfLnavLogrusFixture) {
  const std::vector<std::string> lines =
      ReadLines(std::string(BAM_SHARED_DIR) + "/data/access-logs/lnav_logfmt.log");
  ASSERT_EQ(lines.size(), 5u);
  auto parser = NewLogfmtParser();
  for (const std::string& line : lines) {
    const Record* r = parser->Parse(line);
    ASSERT_NE(r, nullptr) << line;
    EXPECT_EQ(r->Get(Path("time")).kind, ValueKind::kString) << line;
    EXPECT_EQ(r->Get(Path("level")).kind, ValueKind::kString) << line;
    EXPECT_EQ(r->Get(Path("msg")).kind, ValueKind::kString) << line;
  }

  const Record* r = parser->Parse(lines[0]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("time")).str, "2021-09-15T21:17:10.220731Z");
  EXPECT_EQ(r->Get(Path("level")).str, "error");
  EXPECT_EQ(r->Get(Path("msg")).str,
            "error retrieving pod status: pod "
            "inc-1-enh-domain-c14-ns-2/hello-inc-1-enh-domain-c14-ns-2-3-d8f465685-k75gp is not "
            "found: PodNotFound");
  EXPECT_EQ(r->Get(Path("reason")).kind, ValueKind::kString);
  EXPECT_EQ(r->Get(Path("reason")).str, "");
  EXPECT_EQ(r->Get(Path("status")).str, "Pending");

  r = parser->Parse(lines[1]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("level")).str, "warning");
  EXPECT_EQ(r->Get(Path("msg")).str, "Failed to DeletePod in the provider");
  EXPECT_EQ(r->Get(Path("error")).str,
            "pod inc-1-domain-c14-ns-6/fe-inc-1-domain-c14-ns-6-5-656d9bb695-4584b is not found: "
            "PodNotFound");
  EXPECT_EQ(r->Get(Path("uid")).str, "be2def59-3a08-42fd-8f84-6f64cfcefa93");

  r = parser->Parse(lines[3]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("msg")).str, "Pod deleted");
  EXPECT_EQ(r->Get(Path("namespace")).str, "inc-1-domain-c14-ns-6");
}

}  // namespace
}  // namespace bam::exporter
