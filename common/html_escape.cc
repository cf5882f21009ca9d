#include "common/html_escape.h"

namespace bam {

std::string HtmlEscape(std::string_view text, bool newline_to_br) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
        out += newline_to_br ? "<br>" : "\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace bam
