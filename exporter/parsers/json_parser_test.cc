#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "exporter/parsers/parser.h"

namespace bam::exporter {
namespace {

FieldPath Path(std::string_view text) {
  FieldPath p;
  EXPECT_TRUE(FieldPath::Parse(text, &p)) << text;
  return p;
}

// A trimmed line of the OpenSearch e-commerce sample.
constexpr std::string_view kOrder =
    R"({"currency":"EUR","customer_id":38,"order_id":584677,"amount":"12.50",)"
    R"("products":[{"category":"Men's Clothing","taxful_price":11.99,"quantity":1},)"
    R"({"category":"Women's Shoes","taxful_price":24.99,"quantity":2}],)"
    R"("sku":["ZO0549605496","ZO0299602996"],"matrix":[[1,2],[3]],)"
    R"("geoip":{"country_iso_code":"EG","location":{"lon":31.3,"lat":30.1}},)"
    R"("express":true,"coupon":null})";

TEST(JsonParserTest, ReadsNestedFieldsAndArrays) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(kOrder);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("currency")).str, "EUR");
  EXPECT_EQ(r->Get(Path("geoip.country_iso_code")).str, "EG");
  EXPECT_DOUBLE_EQ(r->Get(Path("geoip.location.lat")).number, 30.1);
  EXPECT_EQ(r->Get(Path("products[1].category")).str, "Women's Shoes");
  EXPECT_DOUBLE_EQ(r->Get(Path("products[0].taxful_price")).number, 11.99);
  EXPECT_EQ(r->Get(Path("sku[1]")).str, "ZO0299602996");
  EXPECT_DOUBLE_EQ(r->Get(Path("matrix[1][0]")).number, 3);
  EXPECT_EQ(r->Get(Path("customer_id")).kind, ValueKind::kNumber);
  EXPECT_DOUBLE_EQ(r->Get(Path("customer_id")).number, 38);
  EXPECT_EQ(r->Get(Path("geoip")).kind, ValueKind::kObject);
  EXPECT_EQ(r->Get(Path("products")).kind, ValueKind::kArray);
  const Value express = r->Get(Path("express"));
  EXPECT_EQ(express.kind, ValueKind::kBool);
  EXPECT_TRUE(express.boolean);
  EXPECT_TRUE(r->Get(Path("coupon")).is_null());
}

TEST(JsonParserTest, MissingOrMistypedPathsAreNull) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(kOrder);
  ASSERT_NE(r, nullptr);
  for (const char* p : {"nope", "geoip.nope", "products[2]", "products[0].nope", "currency.x",
                        "geoip[0]", "sku.first", "matrix[0][5]"}) {
    EXPECT_TRUE(r->Get(Path(p)).is_null()) << p;
  }
}

TEST(JsonParserTest, KeepsNumbersInStringsAsStrings) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(kOrder);
  ASSERT_NE(r, nullptr);
  const Value amount = r->Get(Path("amount"));
  EXPECT_EQ(amount.kind, ValueKind::kString);
  EXPECT_EQ(amount.str, "12.50");
}

TEST(JsonParserTest, IteratesArraysOfObjects) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(kOrder);
  ASSERT_NE(r, nullptr);
  const Value products = r->Get(Path("products"));
  ASSERT_EQ(r->ArrayLength(products), 2u);
  const FieldPath price = Path("taxful_price");
  const FieldPath category = Path("category");
  double total = 0;
  for (size_t i = 0; i < r->ArrayLength(products); ++i) {
    const Value item = r->Element(products, i);
    ASSERT_EQ(item.kind, ValueKind::kObject);
    total += r->Member(item, price).number;
  }
  EXPECT_DOUBLE_EQ(total, 36.98);
  // Out of order and out of range.
  EXPECT_EQ(r->Member(r->Element(products, 1), category).str, "Women's Shoes");
  EXPECT_EQ(r->Member(r->Element(products, 0), category).str, "Men's Clothing");
  EXPECT_TRUE(r->Element(products, 2).is_null());
  EXPECT_EQ(r->Member(r->Element(products, 1), category).str, "Women's Shoes");
  // Paths relative to an array.
  FieldPath second;
  second.segments.push_back(PathSegment{"", 1, true});
  second.segments.push_back(PathSegment{"quantity", 0, false});
  EXPECT_DOUBLE_EQ(r->Member(products, second).number, 2);
  // Nested arrays.
  const Value matrix = r->Get(Path("matrix"));
  ASSERT_EQ(r->ArrayLength(matrix), 2u);
  const Value row0 = r->Element(matrix, 0);
  ASSERT_EQ(r->ArrayLength(row0), 2u);
  EXPECT_DOUBLE_EQ(r->Element(row0, 1).number, 2);
  EXPECT_EQ(r->ArrayLength(r->Element(matrix, 1)), 1u);
}

TEST(JsonParserTest, NonArraysHaveNoElements) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(kOrder);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->ArrayLength(r->Root()), 0u);
  EXPECT_EQ(r->ArrayLength(r->Get(Path("currency"))), 0u);
  EXPECT_TRUE(r->Element(r->Get(Path("geoip")), 0).is_null());
  // Bases that are not nodes of this record.
  EXPECT_TRUE(r->Member(Value::String("geoip"), Path("country_iso_code")).is_null());
  EXPECT_TRUE(r->Member(Value::Node(ValueKind::kObject, 12345), Path("currency")).is_null());
  EXPECT_EQ(r->ArrayLength(Value::Node(ValueKind::kArray, 12345)), 0u);
}

TEST(JsonParserTest, DecodesEscapesAndUnicode) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(
      R"({"q":"say \"hi\"\\\n\t","e":"caf\u00e9","raw":"€uro","emoji":"\ud83d\ude00","k\u0041":1})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("q")).str, "say \"hi\"\\\n\t");
  EXPECT_EQ(r->Get(Path("e")).str, "caf\xC3\xA9");
  EXPECT_EQ(r->Get(Path("raw")).str, "\xE2\x82\xACuro");
  EXPECT_EQ(r->Get(Path("emoji")).str, "\xF0\x9F\x98\x80");
  EXPECT_DOUBLE_EQ(r->Get(Path("kA")).number, 1);               // keys are unescaped too
  EXPECT_EQ(parser->Parse("{\"bad\":\"\xff\xfe\"}"), nullptr);  // invalid UTF-8
}

TEST(JsonParserTest, ReadsBigAndSignedNumbers) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(
      R"({"i64":-9223372036854775808,"u64":18446744073709551615,"big":123456789012345678901234567890,)"
      R"("exp":1.5e3,"neg":-0.25,"id":9007199254740993})");
  ASSERT_NE(r, nullptr);
  EXPECT_DOUBLE_EQ(r->Get(Path("i64")).number, -9223372036854775808.0);
  EXPECT_DOUBLE_EQ(r->Get(Path("u64")).number, 18446744073709551615.0);
  // Beyond 64 bits simdjson fails the number; the line is kept and the number read as a double.
  EXPECT_EQ(r->Get(Path("big")).kind, ValueKind::kNumber);
  EXPECT_DOUBLE_EQ(r->Get(Path("big")).number, 1.2345678901234568e29);
  EXPECT_DOUBLE_EQ(r->Get(Path("exp")).number, 1500);
  EXPECT_DOUBLE_EQ(r->Get(Path("neg")).number, -0.25);
  // Integers beyond 2^53 are rounded to the nearest double: Value holds numbers as doubles.
  EXPECT_DOUBLE_EQ(r->Get(Path("id")).number, 9007199254740992.0);

  r = parser->Parse(R"({"neg":-9223372036854775809,"s":"123456789012345678901234"})");
  ASSERT_NE(r, nullptr);
  EXPECT_DOUBLE_EQ(r->Get(Path("neg")).number, -9223372036854775808.0);
  EXPECT_EQ(r->Get(Path("s")).str, "123456789012345678901234");  // strings are untouched
  EXPECT_EQ(parser->Parse(R"({"bad":0123456789012345678901})"), nullptr);
}

TEST(JsonParserTest, RejectsInvalidJson) {
  auto parser = NewJsonParser();
  for (const char* bad :
       {"", " ", "{", R"({"a":})", R"({"a":1} x)", R"({"a":1}{"b":2})", R"({a:1})", R"({"a":'x'})",
        R"({"a":01})", R"({"a":1,})", "not json", R"({"a":"unterminated})", R"({"a":NaN})"}) {
    EXPECT_EQ(parser->Parse(bad), nullptr) << bad;
  }
}

TEST(JsonParserTest, RejectsTopLevelValuesThatAreNotObjects) {
  auto parser = NewJsonParser();
  for (const char* line : {"[1,2]", R"("text")", "42", "null", "true", "[{\"a\":1}]"}) {
    EXPECT_EQ(parser->Parse(line), nullptr) << line;
  }
  EXPECT_NE(parser->Parse("{}"), nullptr);
  EXPECT_NE(parser->Parse("  {\"a\":1}  "), nullptr);
}

TEST(JsonParserTest, RejectsExcessiveNestingWithoutCrashing) {
  auto parser = NewJsonParser();
  std::string deep = "{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  EXPECT_EQ(parser->Parse(deep), nullptr);
  EXPECT_NE(parser->Parse(R"({"ok":1})"), nullptr);  // the parser is still usable
}

TEST(JsonParserTest, RecordViewsSurviveUntilTheNextParse) {
  auto parser = NewJsonParser();
  Value user, geo;
  const Record* r = nullptr;
  {
    std::string line = R"({"user":"eddie","geo":{"city":"Cairo"},"tags":["a","b"]})";
    r = parser->Parse(line);
    ASSERT_NE(r, nullptr);
    user = r->Get(Path("user"));
    geo = r->Get(Path("geo"));
    line.assign(line.size(), 'x');  // the JSON parser keeps its own copy of the line
  }
  // Many further lookups grow the node table; earlier values stay readable.
  for (int i = 0; i < 1000; ++i) r->Get(Path("tags"));
  EXPECT_EQ(user.str, "eddie");
  EXPECT_EQ(r->Member(geo, Path("city")).str, "Cairo");

  // The next line replaces everything: handles restart from the new root.
  const Record* r2 = parser->Parse(R"({"user":"mary","geo":{"city":"Paris"}})");
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(r2->Get(Path("user")).str, "mary");
  EXPECT_EQ(r2->Get(Path("geo.city")).str, "Paris");
  EXPECT_TRUE(r2->Get(Path("tags")).is_null());
}

TEST(JsonParserTest, HandlesLongLinesAfterShortOnes) {
  auto parser = NewJsonParser();
  ASSERT_NE(parser->Parse(R"({"a":1})"), nullptr);
  std::string long_value(100000, 'v');
  const Record* r = parser->Parse(R"({"a":")" + long_value + R"(","b":2})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("a")).str, long_value);
  r = parser->Parse(R"({"a":3})");
  ASSERT_NE(r, nullptr);
  EXPECT_DOUBLE_EQ(r->Get(Path("a")).number, 3);
  EXPECT_TRUE(r->Get(Path("b")).is_null());  // nothing leaks from the longer line
}

TEST(JsonParserTest, FallsBackToDottedKeysAtTheRoot) {
  auto parser = NewJsonParser();
  const Record* r = parser->Parse(R"({"log.level":"warn","event":{"dataset":"nginx"}})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("log.level")).str, "warn");
  EXPECT_EQ(r->Get(Path("event.dataset")).str, "nginx");
  r = parser->Parse(R"({"log.level":"flat","log":{"level":"nested"}})");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(Path("log.level")).str, "nested");  // the nested reading wins
}

}  // namespace
}  // namespace bam::exporter
