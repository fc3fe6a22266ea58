// Reads one plain-SQL migration (Flyway, golang-migrate, dbmate, sqitch, diesel) with libpg_query.
#include <fstream>
#include <set>
#include <sstream>

#include "core/history/history.hpp"
#include "core/history/migration_events.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::history {
namespace fs = std::filesystem;
namespace {

// dbmate keeps both directions in one file; only the part between the markers is applied going up.
std::string up_section(const std::string& text) {
    const auto up = text.find("-- migrate:up");
    if (up == std::string::npos) return text;
    const auto start = text.find('\n', up);
    if (start == std::string::npos) return {};
    const auto down = text.find("-- migrate:down", start);
    return text.substr(start, down == std::string::npos ? std::string::npos : down - start);
}

// golang-migrate: 0001_x.up.sql → 0001_x; diesel: 2019-02-26-123456_x/up.sql → the directory name.
std::string migration_name(const fs::path& file) {
    auto name = file.filename().string();
    if (name == "up.sql" || name == "deploy.sql") return file.parent_path().filename().string();
    for (const std::string_view suffix : {".up.sql", ".sql"}) {
        if (name.ends_with(suffix)) return name.substr(0, name.size() - suffix.size());
    }
    return name;
}

}  // namespace

void read_sql_migration(const fs::path& file, const fs::path& root, const std::string& project, History& history) {
    const auto text = read_migration_text(file, history);
    if (!text) return;
    const auto name = migration_name(file);
    const auto ts = timestamp_from_name(name).value_or(file_mtime(file));
    std::error_code error;
    auto relative = fs::relative(file.parent_path(), root, error);
    const auto migration_id = (error || relative == "." || relative.empty()) ? name : (relative / name).string();

    HistoryEvent event{project, migration_id, ts, {}, {}, {}, {}};
    std::set<std::string> data_tables;  // at most one data_migration row per table and migration
    for (const auto& statement : sql::split_statements(up_section(*text))) {
        const auto info = sql::analyze_statement(statement);
        if (!info.parsed) {
            history.problems.add(history.problems.unparsed_statements, file.string() + ": " + info.error);
            continue;
        }
        for (const auto& change : info.ddl_changes) {
            event.table = change.table;
            event.op = change.op;
            event.column = change.column;
            event.detail = change.detail;
            history.events.push_back(event);
        }
        if (info.kind != sql::StatementKind::write) continue;
        for (const auto& table : info.tables_written) {
            if (!data_tables.insert(table).second) continue;
            event.table = table;
            event.op = "data_migration";
            event.column.clear();
            event.detail.clear();
            history.events.push_back(event);
        }
    }
}

}  // namespace schemaflip::history
