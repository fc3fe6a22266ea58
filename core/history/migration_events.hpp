// What the migration-directory readers share: reading a migration file whole, and appending the events of
// one migration (same project, id and time) to a History.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "core/history/history.hpp"

namespace schemaflip::history {

// The whole file; an unreadable one is counted in history.problems and gives nullopt.
std::optional<std::string> read_migration_text(const std::filesystem::path& file, History& history);

struct MigrationEvents {
    explicit MigrationEvents(History& into) : history(into) {}

    // Appends `event` (whose project, migration_id and ts are set once per migration) with these fields.
    void emit(const std::string& table, const std::string& op, const std::string& column = {},
              const std::string& detail = {}) {
        event.table = table;
        event.op = op;
        event.column = column;
        event.detail = detail;
        history.events.push_back(event);
        ++count;
    }

    // Events of raw SQL in a migration: its DDL changes, and one data_migration per table it writes.
    // With `file`, statements that do not parse are counted in history.problems under that name.
    void emit_sql(const std::string& sql_text, const std::string& file = {});

    History& history;
    HistoryEvent event;
    std::size_t count = 0;
};

}  // namespace schemaflip::history
