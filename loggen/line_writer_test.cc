// Golden lines: one event of each log type, in both formats.
#include "loggen/line_writer.h"

#include <gtest/gtest.h>

#include "loggen/civil_time.h"

namespace bam::loggen {
namespace {

Event Make(EventKind kind) {
  Event e;
  e.ts_ms = *ParseRfc3339("2025-11-21T10:00:14.005Z");
  e.kind = kind;
  e.platform = 1;
  e.region = 3;
  e.user = 1025;
  e.session = 7;
  e.order = 112;
  e.txn = 112;
  e.amount_cents = 4590;
  e.payment_method = 2;
  return e;
}

std::string Json(const Event& e) {
  std::string out;
  LineWriter(LineFormat::kJson).Append(e, &out);
  return out;
}

TEST(LineWriterTest, JsonLinesCarryTheFieldsTheExporterReads) {
  struct Case {
    Event event;
    const char* line;
  };
  Event checkout = Make(EventKind::kCheckoutSuccess);
  Event created = Make(EventKind::kOrderCreated);
  created.flag = true;
  Event perf = Make(EventKind::kApiResponse);
  perf.endpoint = Endpoint::kProductSearch;
  perf.response_tenths = 12345;
  perf.db_tenths = 7;
  Event fraud = Make(EventKind::kFraudCheck);
  fraud.fraud_milli = 912;
  fraud.flag = true;
  fraud.indicators = 0b01001;
  Event gateway = Make(EventKind::kPaymentGatewayError);
  gateway.code = 4;
  gateway.endpoint = Endpoint::kPayment;
  Event cancelled = Make(EventKind::kOrderCancelled);
  cancelled.code = 1;
  Event view = Make(EventKind::kPageView);
  view.endpoint = Endpoint::kProductPage;
  view.product = 9;
  Case cases[] = {
      {checkout,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"transaction","event":"checkout_success","transaction_id":"t_112","order_id":"o_112","user_id":"u_1025","amount":45.90,"currency":"EUR","payment_method":"apple_pay","status":"completed","platform":"mobile","region":"uk"})"},
      {created,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"order","event":"order_created","order_id":"o_112","user_id":"u_1025","amount":45.90,"first_order":true,"platform":"mobile","region":"uk"})"},
      {perf,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"performance","event":"api_response_time","endpoint":"product_search","response_time_ms":1234.5,"db_query_time_ms":0.7,"status_code":200,"platform":"mobile","region":"uk"})"},
      {fraud,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"fraud","event":"fraud_check","transaction_id":"t_112","user_id":"u_1025","fraud_score":0.912,"fraud_detected":true,"indicators":["velocity","card_testing"],"platform":"mobile","region":"uk"})"},
      {gateway,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"error","event":"payment_gateway_error","error_code":"TLS_CERT_EXPIRED","error_type":"payment","error_message":"TLS handshake failed: certificate expired","endpoint":"payment","transaction_id":"t_112","payment_method":"apple_pay","user_id":"u_1025","platform":"mobile","region":"uk"})"},
      {cancelled,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"order","event":"order_cancelled","order_id":"o_112","user_id":"u_1025","amount":45.90,"reason":"out_of_stock","platform":"mobile","region":"uk"})"},
      {view,
       R"({"ts":"2025-11-21T10:00:14.005Z","log_type":"user_behavior","event":"page_view","user_id":"u_1025","session_id":"s_7","action":"view","page":"/product/9","platform":"mobile","region":"uk"})"},
  };
  for (const auto& c : cases) EXPECT_EQ(Json(c.event), std::string(c.line) + "\n");
}

TEST(LineWriterTest, LogfmtQuotesSpacesAndJoinsIndicators) {
  Event fraud = Make(EventKind::kFraudCheck);
  fraud.fraud_milli = 5;
  std::string out;
  LineWriter(LineFormat::kLogfmt).Append(fraud, &out);
  EXPECT_EQ(out,
            "ts=2025-11-21T10:00:14.005Z log_type=fraud event=fraud_check transaction_id=t_112 "
            "user_id=u_1025 "
            "fraud_score=0.005 fraud_detected=false indicators=\"\" platform=mobile region=uk\n");
  Event gateway = Make(EventKind::kPaymentGatewayError);
  out.clear();
  LineWriter(LineFormat::kLogfmt).Append(gateway, &out);
  EXPECT_NE(out.find("error_message=\"card declined by issuer\""), std::string::npos) << out;
}

}  // namespace
}  // namespace bam::loggen
