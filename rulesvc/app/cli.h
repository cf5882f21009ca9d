// The bam-rulesvc command line: `compile`, `check`, and (later) `serve`.
// See ../shared/specs/rule-catalog.md, "Command line". Not thread-safe (writes files).
#ifndef BAM_RULESVC_APP_CLI_H_
#define BAM_RULESVC_APP_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace bam::rulesvc {

// Runs the command in `args` (argv without the program name). Diagnostics and errors go to `err`,
// progress to `out`. Returns the process exit code: 0 success, 1 invalid catalog (nothing
// written), 2 usage error.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_APP_CLI_H_
