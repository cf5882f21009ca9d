#include "rulesvc/http/api_types.h"

#include <nlohmann/json.hpp>

namespace bam::rulesvc::http {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAnalyst:
      return "analyst";
    case Role::kOps:
      return "ops";
    case Role::kDirection:
      return "direction";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

bool ParseRole(std::string_view name, Role* role) {
  for (Role r : {Role::kAnalyst, Role::kOps, Role::kDirection, Role::kAdmin}) {
    if (name == RoleName(r)) {
      *role = r;
      return true;
    }
  }
  return false;
}

bool RoleAllows(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kAnalyst:
      return permission == Permission::kRead || permission == Permission::kEditRules ||
             permission == Permission::kComment;
    case Role::kOps:
      return permission == Permission::kRead || permission == Permission::kTreat ||
             permission == Permission::kComment;
    case Role::kDirection:
      return permission == Permission::kRead;
  }
  return false;
}

ApiResponse ApiResponse::Error(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return Json(status, body.dump());
}

ApiResponse ApiResponse::FromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return Json(200, "{}");
    case StatusCode::kInvalidArgument:
      return Error(400, "invalid_argument", status.message());
    case StatusCode::kNotFound:
      return Error(404, "not_found", status.message());
    case StatusCode::kFailedPrecondition:
      return Error(409, "failed_precondition", status.message());
    case StatusCode::kUnavailable:
      return Error(503, "unavailable", status.message());
    case StatusCode::kInternal:
      return Error(500, "internal", status.message());
  }
  return Error(500, "internal", status.message());
}

}  // namespace bam::rulesvc::http
