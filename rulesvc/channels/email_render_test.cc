// E-mail rendering: headers, encoded-word Subject, base64 parts, HTML escaping.
#include <gtest/gtest.h>

#include "rulesvc/channels/email.h"
#include "rulesvc/channels/testing/sample_notification.h"

namespace bam::rulesvc::channels {
namespace {

std::string Render(const Notification& n) {
  return RenderEmail(n, "bam@shop.example", {"ops@shop.example", "cto@shop.example"},
                     testing::SampleStart(), "<id.1@bam-rulesvc>");
}

TEST(EmailRenderTest, Base64Rfc4648Vectors) {
  EXPECT_EQ(Base64("", 0), "");
  EXPECT_EQ(Base64("f", 0), "Zg==");
  EXPECT_EQ(Base64("fo", 0), "Zm8=");
  EXPECT_EQ(Base64("foo", 0), "Zm9v");
  EXPECT_EQ(Base64("foobar", 0), "Zm9vYmFy");
  EXPECT_EQ(Base64("foobar", 4), "Zm9v\r\nYmFy");
}

TEST(EmailRenderTest, SubjectAsciiStaysPlain) {
  EXPECT_EQ(EncodeHeaderWord("[WARNING] [RESOLVED] Payment ok"), "[WARNING] [RESOLVED] Payment ok");
}

TEST(EmailRenderTest, SubjectNonAsciiBecomesFoldedEncodedWords) {
  std::string s = EncodeHeaderWord("Paiement : taux de réussite 88 % (web) — perte 15 000 € ééééé");
  EXPECT_EQ(s.rfind("=?UTF-8?B?", 0), 0u);
  size_t start = 0;
  int words = 0;
  while (start < s.size()) {
    size_t end = s.find("\r\n ", start);
    std::string word = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.substr(word.size() - 2), "?=");
    ++words;
    start = end == std::string::npos ? s.size() : end + 3;
  }
  EXPECT_GE(words, 2);
}

TEST(EmailRenderTest, HeadersAndParts) {
  std::string m = Render(testing::SampleFiring());
  std::string headers = m.substr(0, m.find("\r\n\r\n"));
  EXPECT_NE(headers.find("From: bam@shop.example\r\n"), std::string::npos);
  EXPECT_NE(headers.find("To: ops@shop.example, cto@shop.example\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(headers.find("Date: Sun, 22 Nov 2026 10:42:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Message-ID: <id.1@bam-rulesvc>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/html; charset=UTF-8\r\n"), std::string::npos);
  // 7-bit clean, CRLF only, no line over 78 characters (RFC 5322 2.1.1).
  size_t line_start = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    ASSERT_LT(static_cast<unsigned char>(m[i]), 0x80u) << "8-bit byte at " << i;
    if (m[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(m[i - 1], '\r') << "bare LF at " << i;
      EXPECT_LE(i - 1 - line_start, 78u) << m.substr(line_start, i - line_start);
      line_start = i + 1;
    }
  }
}

TEST(EmailRenderTest, HtmlEscapesAndLinks) {
  std::string html = RenderEmailHtml(testing::SampleFiring());
  EXPECT_NE(html.find("&lt;web &amp; app&gt;<br>D"), std::string::npos);
  EXPECT_NE(
      html.find("<a href=\"http://grafana:3000/d/bam-exec?from=1&amp;to=2\">Tableau de bord</a>"),
      std::string::npos);
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_EQ(html.find("<web"), std::string::npos);
}

}  // namespace
}  // namespace bam::rulesvc::channels
