// The embedded OpenAPI document: what the binary serves is rulesvc/api/openapi.json, it is an
// OpenAPI 3.0 document whose every $ref resolves, and it describes the whole HTTP surface of
// ../shared/specs/rulesvc-config.md with roles per operation.
#include "rulesvc/api/openapi.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

namespace bam::rulesvc::api {
namespace {

using nlohmann::json;

const std::string kFile = std::string(BAM_SOURCE_DIR) + "/rulesvc/api/openapi.json";

json Document() {
  json j = json::parse(OpenApiJson(), nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "the embedded document is not JSON";
  return j.is_discarded() ? json::object() : j;
}

// Every "$ref" string under `node`, with the JSON pointer where it was found.
void CollectRefs(const json& node, const std::string& where,
                 std::vector<std::pair<std::string, std::string>>* out) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string()) out->emplace_back(where, v.get<std::string>());
      CollectRefs(v, where + "/" + k, out);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CollectRefs(node[i], where + "/" + std::to_string(i), out);
    }
  }
}

TEST(OpenApiTest, ServedDocumentIsTheCheckedInFile) {
  std::ifstream in(kFile);
  std::ostringstream ss;
  ss << in.rdbuf();
  ASSERT_FALSE(ss.str().empty()) << kFile;
  EXPECT_EQ(OpenApiJson(), ss.str());
  http::ApiResponse r = HandleOpenApi({}, {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, ss.str());
}

TEST(OpenApiTest, IsStructurallyOpenApi30) {
  json doc = Document();
  ASSERT_TRUE(doc.value("openapi", "").starts_with("3.0.")) << doc.value("openapi", "");
  ASSERT_TRUE(doc.contains("info"));
  EXPECT_TRUE(doc["info"]["title"].is_string());
  EXPECT_TRUE(doc["info"]["version"].is_string());
  ASSERT_TRUE(doc["paths"].is_object());
  EXPECT_EQ(
      doc["components"]["securitySchemes"]["bearerAuth"],
      (json{{"type", "http"},
            {"scheme", "bearer"},
            {"bearerFormat", "JWT"},
            {"description", doc["components"]["securitySchemes"]["bearerAuth"]["description"]}}));

  std::vector<std::pair<std::string, std::string>> refs;
  CollectRefs(doc, "", &refs);
  EXPECT_GT(refs.size(), 30u);
  for (const auto& [where, ref] : refs) {
    ASSERT_TRUE(ref.starts_with("#/")) << where << ": external $ref " << ref;
    EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << where << ": " << ref;
  }

  const std::set<std::string> methods = {"get", "put", "post", "delete", "patch"};
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      ASSERT_TRUE(methods.count(method)) << path << ": " << method;
      EXPECT_TRUE(op["responses"].is_object() && !op["responses"].empty()) << path << method;
      EXPECT_TRUE(op["x-bam-roles"].is_array() && !op["x-bam-roles"].empty()) << path << method;
      EXPECT_TRUE(operation_ids.insert(op.value("operationId", "")).second)
          << path << method << ": duplicate operationId";
      // Every {param} of the path is declared.
      for (size_t at = path.find('{'); at != std::string::npos; at = path.find('{', at + 1)) {
        const std::string name = path.substr(at + 1, path.find('}', at) - at - 1);
        bool declared = false;
        for (const json& p : op.value("parameters", json::array())) {
          json param = p;
          if (p.contains("$ref"))
            param = doc[json::json_pointer(p["$ref"].get<std::string>().substr(1))];
          declared |= param["in"] == "path" && param["name"] == name && param["required"] == true;
        }
        EXPECT_TRUE(declared) << path << " " << method << ": {" << name << "} not declared";
      }
    }
  }
}

TEST(OpenApiTest, DescribesTheWholeSurfaceWithRoles) {
  json doc = Document();
  const std::map<std::string, std::set<std::string>> surface = {
      {"/alertmanager/webhook", {"post"}},
      {"/bam/kpis", {"get"}},
      {"/bam/kpis/{id}", {"get"}},
      {"/bam/kpis/{id}/export", {"get"}},
      {"/bam/alerts", {"get"}},
      {"/bam/alerts/{id}", {"get", "patch"}},
      {"/bam/alerts/{id}/comments", {"get", "post"}},
      {"/bam/rules", {"get", "post"}},
      {"/bam/rules/{id}", {"get", "put", "delete"}},
      {"/bam/config", {"get"}},
      {"/bam/audit", {"get"}},
      {"/bam/openapi.json", {"get"}},
      {"/metrics", {"get"}},
      {"/-/healthy", {"get"}},
      {"/-/ready", {"get"}},
  };
  for (const auto& [path, want] : surface) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    std::set<std::string> have;
    for (const auto& [method, op] : doc["paths"][path].items()) have.insert(method);
    EXPECT_EQ(have, want) << path;
  }
  EXPECT_EQ(doc["paths"].size(), surface.size());

  auto roles = [&](const std::string& path, const std::string& method) {
    std::set<std::string> out;
    for (const json& r : doc["paths"][path][method]["x-bam-roles"]) out.insert(r);
    return out;
  };
  const std::set<std::string> any = {"analyst", "ops", "direction", "admin"};
  EXPECT_EQ(roles("/bam/kpis", "get"), any);
  EXPECT_EQ(roles("/bam/alerts/{id}", "patch"), (std::set<std::string>{"ops", "admin"}));
  EXPECT_EQ(roles("/bam/alerts/{id}/comments", "post"),
            (std::set<std::string>{"analyst", "ops", "admin"}));
  EXPECT_EQ(roles("/bam/rules", "post"), (std::set<std::string>{"analyst", "admin"}));
  EXPECT_EQ(roles("/bam/rules/{id}", "delete"), (std::set<std::string>{"analyst", "admin"}));
  EXPECT_EQ(roles("/bam/config", "get"), std::set<std::string>{"admin"});
  EXPECT_EQ(roles("/bam/audit", "get"), std::set<std::string>{"admin"});
  // Public endpoints need no token; /bam/* ones need the JWT.
  EXPECT_EQ(doc["paths"]["/metrics"]["get"]["security"], json::array());
  EXPECT_EQ(doc["paths"]["/bam/alerts"]["get"]["security"], json::parse(R"([{"bearerAuth": []}])"));

  const json& schemas = doc["components"]["schemas"];
  for (const char* name : {"Alert", "Impact", "Comment", "Kpi", "Rule", "Error", "AuditEntry"}) {
    EXPECT_TRUE(schemas.contains(name)) << name;
  }
  // The fields rulesvc-config.md requires of an alert and of its impact.
  std::set<std::string> required;
  for (const json& r : schemas["Alert"]["required"]) required.insert(r);
  for (const char* f :
       {"id", "fingerprint", "alertname", "bam_rule_id", "severity", "status", "starts_at",
        "ends_at", "labels", "annotations", "impact", "read", "treated", "comments"}) {
    EXPECT_TRUE(required.count(f)) << f;
  }
  for (const char* f : {"revenue_lost_per_hour", "revenue_lost_since_start", "orders_affected",
                        "customers_affected", "baseline"}) {
    EXPECT_TRUE(schemas["Impact"]["properties"].contains(f)) << f;
  }
  for (const char* f : {"id", "name", "kpi", "when", "severity", "for", "actions", "message"}) {
    EXPECT_TRUE(schemas["Rule"]["properties"].contains(f)) << f;
  }
  EXPECT_EQ(schemas["Error"]["properties"]["error"]["required"],
            json::parse(R"(["code","message"])"));
}

}  // namespace
}  // namespace bam::rulesvc::api
