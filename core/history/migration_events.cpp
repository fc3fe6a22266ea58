// read_migration_text: a migration file as one string.
#include "core/history/migration_events.hpp"

#include "core/sql/statement_info.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace schemaflip::history {

std::optional<std::string> read_migration_text(const std::filesystem::path& file, History& history) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        history.problems.add(history.problems.unreadable_files, file.string() + ": cannot be opened");
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void MigrationEvents::emit_sql(const std::string& sql_text, const std::string& file) {
    std::set<std::string> data_tables;  // at most one data_migration row per table
    for (const auto& statement : sql::split_statements(sql_text)) {
        const auto info = sql::analyze_statement(statement);
        if (!info.parsed) {
            if (!file.empty()) history.problems.add(history.problems.unparsed_statements, file + ": " + info.error);
            continue;
        }
        for (const auto& change : info.ddl_changes) emit(change.table, change.op, change.column, change.detail);
        if (info.kind != sql::StatementKind::write) continue;
        for (const auto& table : info.tables_written) {
            if (data_tables.insert(table).second) emit(table, "data_migration");
        }
    }
}

}  // namespace schemaflip::history
