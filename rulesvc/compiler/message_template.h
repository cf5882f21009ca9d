// Message templates: a rule's `message:` with {{variables}} becomes a Prometheus alert template
// (Go text/template) rendered by Prometheus into the alert's `summary`.
//
//   {{<kpi_id>}}   the KPI's value, formatted for its unit: percent "87.5", count "1 250",
//                  eur "1 250 €", eur_per_hour "1 250 €/h", ms "620", s "1.25"
//   {{<label>}}    an alert label by name (platform, payment_method, severity, team...)
//   {{value}}      the alert's value, formatted for the rule's KPI
//   {{rule_id}} {{rule_name}} {{kpi_name}}
// Unknown variables are compile errors with the variable's position and the closest name.
// Stateless; thread-safe.
#ifndef BAM_RULESVC_COMPILER_MESSAGE_TEMPLATE_H_
#define BAM_RULESVC_COMPILER_MESSAGE_TEMPLATE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"
#include "rulesvc/catalog/catalog.h"

namespace bam::rulesvc {

struct MessageContext {
  const Catalog* catalog = nullptr;
  const Rule* rule = nullptr;
  const Kpi* kpi = nullptr;         // the rule's KPI (the first one its condition names)
  bool value_is_kpi = false;        // the alert's $value is that KPI's value
  std::vector<std::string> labels;  // labels the alert carries
};

// Go template text that prints `input` (a template pipeline such as `$value`) formatted for
// `unit`, e.g. `{{ $value | printf "%.1f" }}`.
std::string FormatValueTemplate(std::string_view input, Unit unit, std::string_view currency);

// Go template text that prints `kpi`'s current value, from its recording rule `record`, selected
// by the alert's labels that the KPI keeps; "n/a" when Prometheus has no value.
std::string QueryValueTemplate(const Kpi& kpi, std::string_view record,
                               const std::vector<std::string>& labels, std::string_view currency);

// Turns `text` (a message with {{variables}}) into a Go template. Reports unknown variables and
// unterminated `{{` to *diags at their position in the catalog file. `record_of` gives a KPI's
// recording rule name.
std::string CompileMessage(const TextAt& text, const MessageContext& ctx,
                           const std::function<std::string(const Kpi&)>& record_of,
                           DiagnosticList* diags);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_COMPILER_MESSAGE_TEMPLATE_H_
