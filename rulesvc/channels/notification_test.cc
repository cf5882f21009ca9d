// Locale-aware formatting and the shared facts: exact strings.
#include "rulesvc/channels/notification.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rulesvc/channels/facts.h"
#include "rulesvc/channels/testing/sample_notification.h"

namespace bam::rulesvc::channels {
namespace {

constexpr const char* kNnbsp = "\u202F";  // fr-FR thousands separator
constexpr const char* kNbsp = "\u00A0";   // fr-FR space before the currency symbol

std::string Fr(const std::string& pattern) {
  // "_" stands for U+202F and "~" for U+00A0 in expectations, to keep them readable.
  std::string out;
  for (char c : pattern) {
    if (c == '_') {
      out += kNnbsp;
    } else if (c == '~') {
      out += kNbsp;
    } else {
      out += c;
    }
  }
  return out;
}

TEST(FormatTest, NumbersFrench) {
  EXPECT_EQ(FormatNumber(0, 0, Locale::kFrFr), "0");
  EXPECT_EQ(FormatNumber(999, 0, Locale::kFrFr), "999");
  EXPECT_EQ(FormatNumber(1000, 0, Locale::kFrFr), Fr("1_000"));
  EXPECT_EQ(FormatNumber(1234567.891, 2, Locale::kFrFr), Fr("1_234_567,89"));
  EXPECT_EQ(FormatNumber(-15000, 1, Locale::kFrFr), Fr("-15_000,0"));
  EXPECT_EQ(FormatNumber(-0.001, 0, Locale::kFrFr), "0");  // no "-0"
  EXPECT_EQ(FormatNumber(std::nan(""), 0, Locale::kFrFr), "—");
}

TEST(FormatTest, NumbersEnglish) {
  EXPECT_EQ(FormatNumber(1234567.891, 2, Locale::kEnUs), "1,234,567.89");
  EXPECT_EQ(FormatNumber(100, 0, Locale::kEnUs), "100");
  EXPECT_EQ(FormatCount(312000, Locale::kEnUs), "312,000");
}

TEST(FormatTest, MoneyFrenchUsesNoBreakSpaces) {
  EXPECT_EQ(FormatMoney(15000, "EUR", Locale::kFrFr), Fr("15_000~€"));
  EXPECT_EQ(FormatMoney(15000.4, "EUR", Locale::kFrFr), Fr("15_000~€"));  // whole units
  EXPECT_EQ(FormatMoney(999.5, "EUR", Locale::kFrFr), Fr("1_000~€"));
  EXPECT_EQ(FormatMoney(2500, "CHF", Locale::kFrFr), Fr("2_500~CHF"));
}

TEST(FormatTest, MoneyEnglish) {
  EXPECT_EQ(FormatMoney(15000, "EUR", Locale::kEnUs), "€15,000");
  EXPECT_EQ(FormatMoney(-42, "USD", Locale::kEnUs), "-$42");
  EXPECT_EQ(FormatMoney(2500, "CHF", Locale::kEnUs), "CHF 2,500");
}

TEST(FormatTest, AsciiSpacesReplacesBothNoBreakSpaces) {
  EXPECT_EQ(AsciiSpaces(FormatMoney(15000, "EUR", Locale::kFrFr)), "15 000 €");
}

TEST(FormatTest, TimestampIsRfc3339Utc) {
  EXPECT_EQ(FormatTimestamp(testing::SampleStart()), "2026-11-22T10:42:00Z");
}

TEST(FormatTest, ParseLocale) {
  Locale l = Locale::kEnUs;
  EXPECT_TRUE(ParseLocale("fr-FR", &l));
  EXPECT_EQ(l, Locale::kFrFr);
  EXPECT_TRUE(ParseLocale("en-US", &l));
  EXPECT_EQ(l, Locale::kEnUs);
  EXPECT_FALSE(ParseLocale("fr_FR", &l));
}

TEST(TruncateTest, CountsCodePointsAndEndsWithEllipsis) {
  EXPECT_EQ(Truncate("abc", 3), "abc");
  EXPECT_EQ(Truncate("abcd", 3), "ab…");
  EXPECT_EQ(Truncate("ééé", 3), "ééé");
  EXPECT_EQ(Truncate("éééé", 3), "éé…");  // never cuts inside a character
  EXPECT_EQ(Truncate("x", 0), "");
}

TEST(FactsTest, FiringFrenchInOrder) {
  std::vector<Fact> facts = BuildFacts(testing::SampleFiring());
  std::vector<std::pair<std::string, std::string>> got;
  for (const Fact& f : facts) got.emplace_back(f.label, f.value);
  std::vector<std::pair<std::string, std::string>> want = {
      {"Sévérité", "critical"},
      {"Statut", "EN COURS"},
      {"Taux de réussite des paiements", "88 %"},
      {"Perte estimée", Fr("15_000~€/h")},
      {"Perte depuis le début", Fr("4_525~€")},
      {"Commandes touchées", "312"},
      {"Clients touchés", "280"},
      {"Référence", "lundi dernier à la même heure : 96 %"},
      {"Début", "2026-11-22T10:42:00Z"},
  };
  EXPECT_EQ(got, want);
}

TEST(FactsTest, FiringWithoutImpactSaysUnavailable) {
  Notification n = testing::SampleFiring();
  n.impact = {};
  n.locale = Locale::kEnUs;
  bool found = false;
  for (const Fact& f : BuildFacts(n)) found |= f.label == "Impact" && f.value == "unavailable";
  EXPECT_TRUE(found);
}

TEST(FactsTest, ResolvedEnglishHasEndAndNoImpactLine) {
  std::vector<Fact> facts = BuildFacts(testing::SampleResolvedEn());
  ASSERT_EQ(facts.size(), 5u);
  EXPECT_EQ(facts[1].value, "RESOLVED");
  EXPECT_EQ(facts[4].label, "Ended");
  EXPECT_EQ(facts[4].value, "2026-11-22T11:00:00Z");
}

TEST(FactsTest, HeadlineAndLinks) {
  Notification n = testing::SampleFiring();
  EXPECT_EQ(HeadlineText(n), "[CRITICAL] [EN COURS] Paiement : taux de réussite 88 % (web)");
  std::vector<LinkButton> links = BuildLinks(n);
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].label, "Tableau de bord");
  EXPECT_EQ(links[2].url, "https://wiki.example/runbooks/payment");
  EXPECT_TRUE(BuildLinks(testing::SampleResolvedEn()).empty());
}

}  // namespace
}  // namespace bam::rulesvc::channels
