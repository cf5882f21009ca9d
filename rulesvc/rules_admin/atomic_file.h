// Whole-file reads and crash-safe replacement of the files the rules API owns (the overlay catalog
// and Prometheus's rule file). Stateless functions; thread-safe for distinct paths.
#ifndef BAM_RULESVC_RULES_ADMIN_ATOMIC_FILE_H_
#define BAM_RULESVC_RULES_ADMIN_ATOMIC_FILE_H_

#include <optional>
#include <string>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::rules_admin {

// The file's bytes, std::nullopt if it does not exist, or an error (kInternal) when it exists but
// cannot be read.
StatusOr<std::optional<std::string>> ReadIfExists(const std::string& path);

// Replaces `path` with `content`: written to "<path>.tmp" in the same directory, fsync'ed, renamed
// over `path`, then the directory is fsync'ed. A reader (Prometheus reloading) sees the old or the
// new bytes, never a mix. Creates missing parent directories. Errors are kInternal.
Status WriteAtomically(const std::string& path, const std::string& content);

// Puts `path` back as it was: the bytes if `previous` has a value (atomically), else removes it.
Status Restore(const std::string& path, const std::optional<std::string>& previous);

}  // namespace bam::rulesvc::rules_admin

#endif  // BAM_RULESVC_RULES_ADMIN_ATOMIC_FILE_H_
