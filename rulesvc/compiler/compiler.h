// Compile: the checked catalog becomes structured rule groups (rule_model.h).
//
// For every KPI, recording rules in the `bam-kpis` group; for every rule, a group
// `bam-rules-<id>` with one alert per severity. Every problem is reported at once, each with the
// FILE:LINE:COL of the offending word in the catalog and a hint; on any error *out is left
// untouched. Semantics of each form: docs/rules.md. Not thread-safe per call; independent calls
// may run concurrently.
#ifndef BAM_RULESVC_COMPILER_COMPILER_H_
#define BAM_RULESVC_COMPILER_COMPILER_H_

#include "common/diagnostic.h"
#include "rulesvc/catalog/catalog.h"
#include "rulesvc/compiler/rule_model.h"

namespace bam::rulesvc {

// Returns true and fills *out, or returns false with at least one diagnostic in *diags.
bool Compile(const Catalog& catalog, RuleFile* out, DiagnosticList* diags);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_COMPILER_COMPILER_H_
