// HtmlEscape: text made safe inside HTML element content and double- or single-quoted attribute
// values (& < > " ' escaped). Pure function; thread-safe.
#ifndef BAM_COMMON_HTML_ESCAPE_H_
#define BAM_COMMON_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace bam {

// Returns `text` with &, <, >, " and ' replaced by entities; with `newline_to_br`, '\n' becomes
// "<br>".
std::string HtmlEscape(std::string_view text, bool newline_to_br = false);

}  // namespace bam

#endif  // BAM_COMMON_HTML_ESCAPE_H_
