#include "rulesvc/app/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log.h"
#include "rulesvc/catalog/catalog.h"
#include "rulesvc/compiler/compiler.h"
#include "rulesvc/compiler/conventions.h"
#include "rulesvc/compiler/rule_writer.h"
#include "rulesvc/grafana/dashboards.h"
#include "rulesvc/service/service.h"

namespace bam::rulesvc {
namespace {

constexpr std::string_view kUsage =
    "usage:\n"
    "  bam-rulesvc compile --catalog=FILE [--catalog=FILE...] --out=DIR\n"
    "                      [--format=prometheus|operator] [--grafana-out=GDIR]\n"
    "      writes DIR/bam-rules.yml (and GDIR/bam-*.json Grafana dashboards with\n"
    "      --grafana-out=GDIR); on any error prints every diagnostic and writes nothing\n"
    "  bam-rulesvc check --catalog=FILE [--catalog=FILE...]\n"
    "      prints every diagnostic; exit 0 when the catalog compiles\n"
    "  bam-rulesvc serve --config.file=FILE [--web.listen-address=127.0.0.1:9781]\n"
    "                    [--log.level=info] [--log.format=logfmt|json]\n"
    "      receives Alertmanager webhooks, notifies, serves the REST API (docs/rulesvc.md)\n";

struct Options {
  std::string command;
  std::vector<std::string> catalogs;
  std::string out_dir;
  std::string format = "prometheus";
  std::string grafana_out;
  std::string config_file;
  std::string listen_address = "127.0.0.1:9781";
  std::string log_level = "info";
  std::string log_format = "logfmt";
};

bool ParseArgs(const std::vector<std::string>& args, Options* o, std::string* error) {
  if (args.empty()) {
    *error = "missing command";
    return false;
  }
  o->command = args[0];
  if (o->command == "--help" || o->command == "-h" || o->command == "help") return true;
  if (o->command != "compile" && o->command != "check" && o->command != "serve") {
    *error = "unknown command \"" + o->command + "\"";
    return false;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    std::string key(a.substr(0, a.find('=')));
    std::string value;
    if (a.find('=') != std::string_view::npos) {
      value = std::string(a.substr(a.find('=') + 1));
    } else if (key != "--help" && i + 1 < args.size()) {
      value = args[++i];
    }
    if (key == "--catalog") {
      o->catalogs.push_back(value);
    } else if (key == "--out") {
      o->out_dir = value;
    } else if (key == "--format") {
      o->format = value;
    } else if (key == "--grafana-out") {
      o->grafana_out = value;
    } else if (key == "--config.file") {
      o->config_file = value;
    } else if (key == "--web.listen-address") {
      o->listen_address = value;
    } else if (key == "--log.level") {
      o->log_level = value;
    } else if (key == "--log.format") {
      o->log_format = value;
    } else if (key == "--help") {
      o->command = "--help";
      return true;
    } else {
      *error = "unknown flag \"" + key + "\"";
      return false;
    }
  }
  if (o->command == "serve" && o->config_file.empty()) {
    *error = "serve needs --config.file=FILE";
    return false;
  }
  if (o->command != "serve" && o->catalogs.empty()) {
    *error = o->command + " needs --catalog=FILE";
    return false;
  }
  if (o->command == "compile" && o->out_dir.empty()) {
    *error = "compile needs --out=DIR";
    return false;
  }
  if (o->format != "prometheus" && o->format != "operator") {
    *error = "--format is prometheus or operator, not \"" + o->format + "\"";
    return false;
  }
  return true;
}

// Writes every (path, content) through a temporary file in the same directory, then renames them
// all, so a reader (Prometheus reloading, Grafana's file provider) never sees half a file, and a
// failure before the renames leaves nothing behind.
bool WriteAllAtomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files,
                        std::string* error) {
  std::vector<std::filesystem::path> written;
  auto remove_written = [&written] {
    std::error_code ignored;
    for (const auto& p : written) std::filesystem::remove(p, ignored);
  };
  for (const auto& [path, content] : files) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << content;
    f.flush();
    written.push_back(tmp);
    if (!f) {
      *error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
      remove_written();
      return false;
    }
  }
  for (const auto& [path, content] : files) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      *error = "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
      remove_written();
      return false;
    }
  }
  return true;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  std::string error;
  if (!ParseArgs(args, &o, &error)) {
    err << "bam-rulesvc: " << error << "\n" << kUsage;
    return 2;
  }
  if (o.command == "--help" || o.command == "-h" || o.command == "help") {
    out << kUsage;
    return 0;
  }
  if (o.command == "serve") {
    if (o.log_level != "debug" && o.log_level != "info" && o.log_level != "warn" &&
        o.log_level != "error") {
      err << "bam-rulesvc: --log.level is debug, info, warn or error\n";
      return 2;
    }
    ConfigureLog(o.log_level, o.log_format);
    return service::RunServe({o.config_file, o.listen_address});
  }
  Catalog catalog;
  DiagnosticList diags;
  RuleFile rules;
  bool ok = LoadCatalogs(o.catalogs, &catalog, &diags) && Compile(catalog, &rules, &diags);
  if (!ok) {
    diags.Sort();
    err << diags.Format();
    err << "bam-rulesvc: " << diags.size() << (diags.size() == 1 ? " error" : " errors")
        << (o.command == "compile" ? "; nothing written\n" : "\n");
    return 1;
  }
  if (o.command == "check") {
    size_t alerts = 0, records = 0;
    for (const auto& g : rules.groups) {
      alerts += g.alerts.size();
      records += g.records.size();
    }
    out << "bam-rulesvc: catalog OK: " << catalog.kpis.size() << " KPIs, " << catalog.rules.size()
        << " rules -> " << records << " recording rules, " << alerts << " alerts\n";
    return 0;
  }
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  files.emplace_back(std::filesystem::path(o.out_dir) / conventions::kOutputFile,
                     o.format == "operator" ? WritePrometheusRule(rules, "bam-rules")
                                            : WritePrometheusRules(rules));
  if (!o.grafana_out.empty()) {
    for (const grafana::Dashboard& d : grafana::GenerateDashboards(catalog, rules)) {
      files.emplace_back(std::filesystem::path(o.grafana_out) / d.file_name,
                         grafana::DashboardText(d));
    }
  }
  for (const std::string& dir : {o.out_dir, o.grafana_out}) {
    if (dir.empty()) continue;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      err << "bam-rulesvc: cannot create " << dir << ": " << ec.message() << "\n";
      return 1;
    }
  }
  if (!WriteAllAtomically(files, &error)) {
    err << "bam-rulesvc: " << error << "\n";
    return 1;
  }
  for (const auto& [path, content] : files) out << "bam-rulesvc: wrote " << path.string() << "\n";
  return 0;
}

}  // namespace bam::rulesvc
