// libFuzzer target: arbitrary bytes as a catalog file, through the loader and, when it loads,
// the compiler and the YAML writer. Nothing may crash, hang or leak; a catalog that compiles must
// serialise, and a failed load or compile must explain itself with at least one diagnostic.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/compiler/compiler.h"
#include "rulesvc/compiler/rule_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bam::rulesvc::Catalog catalog;
  bam::DiagnosticList diags;
  if (!bam::rulesvc::ParseCatalog("fuzz.yml", text, &catalog, &diags)) {
    if (diags.empty()) std::abort();
    return 0;
  }
  bam::rulesvc::RuleFile rules;
  if (!bam::rulesvc::Compile(catalog, &rules, &diags)) {
    if (diags.empty()) std::abort();
    return 0;
  }
  std::string out = bam::rulesvc::WritePrometheusRules(rules);
  if (out.empty()) std::abort();
  return 0;
}
