// Thin RAII helpers over the SQLite C API for the rule service's databases (AlertStore, the audit
// log): prepared statements, transactions and the mapping of result codes to Status. Not
// thread-safe: callers hold the connection's lock.
#ifndef BAM_RULESVC_STORE_SQLITE_UTIL_H_
#define BAM_RULESVC_STORE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::sqlite {

// Status for a failed SQLite call: busy/locked/full/I-O/can't-open -> kUnavailable, else
// kInternal; the message is "<what>: <sqlite message>".
Status Error(sqlite3* db, int rc, std::string_view what);

// Runs SQL without results (may hold several statements).
Status Exec(sqlite3* db, const char* sql);

// One prepared statement. Bind indexes are 1-based; column indexes 0-based.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Preparation status; check before binding.
  const Status& status() const { return status_; }

  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::optional<int64_t>& v);
  Stmt& Bind(int i, const std::optional<std::string>& v);
  Stmt& BindNull(int i);

  // Steps once: *row = true when a row is available, false when done.
  Status Step(bool* row);
  // Steps to completion, ignoring rows.
  Status Run();

  int64_t Int(int col) const;
  std::string Text(int col) const;  // "" for NULL
  std::optional<int64_t> OptInt(int col) const;
  std::optional<std::string> OptText(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Status& status() const { return status_; }
  Status Commit();

 private:
  sqlite3* db_;
  Status status_;
  bool open_ = false;
};

}  // namespace bam::rulesvc::sqlite

#endif  // BAM_RULESVC_STORE_SQLITE_UTIL_H_
