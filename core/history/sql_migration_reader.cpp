// Reads one plain-SQL migration (Flyway, golang-migrate, dbmate, sqitch, diesel) with libpg_query.

#include "core/history/history.hpp"
#include "core/history/migration_events.hpp"

namespace schemaflip::history {
namespace fs = std::filesystem;
namespace {

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
    if (text) read_sql_migration_text(*text, file, root, project, history);
}

void read_sql_migration_text(const std::string& text, const fs::path& file, const fs::path& root,
                             const std::string& project, History& history) {
    const auto name = migration_name(file);
    const auto ts = timestamp_from_name(name).value_or(file_mtime(file));
    std::error_code error;
    auto relative = fs::relative(file.parent_path(), root, error);
    const auto migration_id = (error || relative == "." || relative.empty()) ? name : (relative / name).string();

    MigrationEvents events(history);
    events.event = {project, migration_id, ts, {}, {}, {}, {}};
    events.emit_sql(up_section(text), file.string());
}

std::string up_section(const std::string& text) {
    const auto up = text.find("-- migrate:up");
    if (up == std::string::npos) return text;
    const auto start = text.find('\n', up);
    if (start == std::string::npos) return {};
    const auto down = text.find("-- migrate:down", start);
    return text.substr(start, down == std::string::npos ? std::string::npos : down - start);
}

}  // namespace schemaflip::history
