#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "exporter/expr/expr.h"

namespace bam::exporter {
namespace {

TEST(ValueToNumberTest, ConvertsNumbersAndNumericStrings) {
  struct Case {
    const char* text;
    double want;
  };
  const Case cases[] = {{"12", 12},       {"-0.5", -0.5}, {"+3", 3},    {"1e3", 1000},
                        {"2.5E-1", 0.25}, {" 7 ", 7},     {"\t8\t", 8}, {".5", 0.5},
                        {"5.", 5},        {"007", 7},     {"-0", 0}};
  for (const Case& c : cases) {
    double d = -1;
    EXPECT_TRUE(ValueToNumber(Value::String(c.text), &d)) << c.text;
    EXPECT_EQ(d, c.want) << c.text;
  }
  double d = 0;
  EXPECT_TRUE(ValueToNumber(Value::Number(4.25), &d));
  EXPECT_EQ(d, 4.25);
}

TEST(ValueToNumberTest, RejectsEverythingElse) {
  const char* texts[] = {"",    " ",   "abc",   "12abc", "1 2",      "inf", "-inf",
                         "nan", "NaN", "0x10",  "1e",    "+-1",      "--1", "+",
                         "-",   ".",   "1e400", "1,5",   "Infinity", "\n5"};
  for (const char* t : texts) {
    double d = 99;
    EXPECT_FALSE(ValueToNumber(Value::String(t), &d)) << t;
    EXPECT_EQ(d, 99) << t;
  }
  double d = 0;
  EXPECT_FALSE(ValueToNumber(Value::Bool(true), &d));
  EXPECT_FALSE(ValueToNumber(Value::Null(), &d));
  EXPECT_FALSE(ValueToNumber(Value::Node(ValueKind::kArray, 1), &d));
}

TEST(FormatNumberTest, PrintsShortestRoundTripAndWholeIntegers) {
  struct Case {
    double d;
    const char* want;
  };
  const Case cases[] = {
      {200, "200"},
      {0.5, "0.5"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000"},
      {1000000, "1000000"},
      {-42, "-42"},
      {0, "0"},
      {-0.0, "0"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e-7, "1e-07"},
      {123.456, "123.456"},
      {-2.5e-300, "-2.5e-300"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
  };
  for (const Case& c : cases) {
    char buf[32];
    EXPECT_EQ(FormatNumber(c.d, buf), c.want) << c.want;
  }
}

TEST(EvalScratchTest, ReusesBuffers) {
  EvalScratch scratch;
  std::string* a = scratch.NewString();
  a->assign(100, 'x');
  std::string* b = scratch.NewString();
  EXPECT_NE(a, b);
  scratch.Reset();
  std::string* again = scratch.NewString();
  EXPECT_EQ(again, a);
  EXPECT_TRUE(again->empty());
  EXPECT_GE(again->capacity(), 100u);
}

}  // namespace
}  // namespace bam::exporter
