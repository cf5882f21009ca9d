// The expression language's functions: their signatures (for checking calls) and their nodes.
// Internal to exporter/expr. Stateless; thread-safe.
#ifndef BAM_EXPORTER_EXPR_EXPR_FUNCTIONS_H_
#define BAM_EXPORTER_EXPR_EXPR_FUNCTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "exporter/expr/expr_node.h"
#include "exporter/expr/lookup_table.h"

namespace bam::exporter::expr_internal {

struct FunctionSpec {
  std::string_view name;
  size_t min_args;
  size_t max_args;             // kVariadic: no upper bound
  std::string_view signature;  // shown in hints, e.g. "lookup(table, key)"
};
inline constexpr size_t kVariadic = static_cast<size_t>(-1);

// The function called `name`, or nullptr.
const FunctionSpec* FindFunction(std::string_view name);
// Every function name, sorted, for "did you mean" hints.
const std::vector<std::string>& FunctionNames();

// REQUIRES: `table` outlives the node.
NodePtr MakeLookup(const LookupTable* table, NodePtr key);
NodePtr MakeLower(NodePtr arg);
NodePtr MakeUpper(NodePtr arg);
NodePtr MakeExists(NodePtr field);
NodePtr MakeCoalesce(std::vector<NodePtr> args);
NodePtr MakeToNumber(NodePtr arg);
NodePtr MakeToString(NodePtr arg);

}  // namespace bam::exporter::expr_internal

#endif  // BAM_EXPORTER_EXPR_EXPR_FUNCTIONS_H_
