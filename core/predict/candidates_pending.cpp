// Pending migrations: the files a pull request adds. SQL is split and parsed with libpg_query and kept as
// written (grouped per table); Rails and Django migrations are read with the history readers and become
// DDL only where their event fixes the statement.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/history/history.hpp"
#include "core/predict/candidates.hpp"
#include "core/sql/ddl_source.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/error.hpp"

namespace schemaflip::predict {
namespace fs = std::filesystem;
namespace {

constexpr const char* k_source = "pending_migration";

enum class MigrationKind { sql, rails, django, none };

MigrationKind kind_of(const fs::path& file) {
    const auto name = file.filename().string();
    if (file.extension() == ".rb") return MigrationKind::rails;
    if (file.extension() == ".py") return name == "__init__.py" ? MigrationKind::none : MigrationKind::django;
    if (file.extension() != ".sql" || name.ends_with(".down.sql") || name == "down.sql") return MigrationKind::none;
    // sqitch keeps revert/ and verify/ scripts beside deploy/: they are not the change.
    for (const auto& part : file) {
        if (part == "revert" || part == "verify") return MigrationKind::none;
    }
    return MigrationKind::sql;
}

// The migration files under the given paths: a file as given, a directory's files in sorted order.
std::vector<fs::path> migration_files(const std::vector<fs::path>& paths) {
    std::vector<fs::path> files;
    for (const auto& path : paths) {
        std::error_code error;
        if (fs::is_regular_file(path, error)) {
            files.push_back(path);
            continue;
        }
        if (!fs::is_directory(path, error)) {
            throw InputError("cannot read pending migration " + path.string(), "no such file or directory",
                             "give migration files (.sql, Rails .rb, Django .py) or a directory of them");
        }
        std::vector<fs::path> found;
        for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, error), end;
             !error && it != end; it.increment(error)) {
            if (it->is_regular_file(error) && kind_of(it->path()) != MigrationKind::none) found.push_back(it->path());
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

std::string unqualified(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(dot + 1);
}

// DROP INDEX names no table; the snapshot knows which table has the index.
std::string table_of_index(const std::string& detail, const schema::SchemaSnapshot* snapshot) {
    if (snapshot == nullptr) return {};
    const auto index = unqualified(detail.substr(0, detail.find(' ')));
    for (const auto& table : snapshot->tables) {
        for (const auto& info : table.indexes) {
            if (info.name == index) return table.name;
        }
    }
    return {};
}

// The table a statement changes: its DDL's table, else the table a data statement writes.
std::string statement_table(const sql::StatementInfo& info, const schema::SchemaSnapshot* snapshot) {
    for (const auto& change : info.ddl_changes) {
        if (!change.table.empty()) return unqualified(change.table);
        if (change.op == "drop_index") return table_of_index(change.detail, snapshot);
    }
    return info.tables_written.empty() ? std::string{} : unqualified(info.tables_written.front());
}

struct StatementGroup {
    std::string table;
    std::vector<std::string> statements;
    std::vector<sql::DdlChange> changes;
    std::size_t data_statements = 0;
};

std::string change_words(const sql::DdlChange& change) {
    std::string words = change.op;
    if (!change.column.empty()) words += " " + change.column;
    if (!change.detail.empty()) words += " (" + change.detail + ")";
    return words;
}

Candidate group_candidate(const StatementGroup& group, const std::string& file, std::size_t skipped) {
    Candidate candidate;
    candidate.table = group.table;
    candidate.ddl = group.statements;
    candidate.demand = 1;
    const sql::DdlChange* first = group.changes.empty() ? nullptr : &group.changes.front();
    candidate.type = first != nullptr ? first->op : "data_migration";
    candidate.column = first != nullptr ? first->column : std::string{};
    std::string changes;
    for (const auto& change : group.changes) changes += (changes.empty() ? "" : "; ") + change_words(change);
    if (group.data_statements > 0) {
        changes += (changes.empty() ? "" : "; ") + std::to_string(group.data_statements) + " data statement" +
                   (group.data_statements == 1 ? "" : "s");
    }
    candidate.evidence.push_back({k_source, file + ": " + std::to_string(group.statements.size()) + " statement" +
                                                (group.statements.size() == 1 ? "" : "s") + ": " + changes});
    if (skipped > 0) {
        candidate.evidence.push_back({k_source, file + ": " + std::to_string(skipped) +
                                                    " statement(s) that libpg_query cannot parse are left out"});
    }
    candidate.description = (group.table.empty() ? std::string("schema") : group.table) + ": " +
                            (first != nullptr ? change_words(*first) : std::string("data migration")) +
                            " (pending migration " + fs::path(file).filename().string() + ")";
    return candidate;
}

void read_sql_file(const fs::path& file, const schema::SchemaSnapshot* snapshot, history::ReadProblems& problems,
                   std::vector<Candidate>& out) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        problems.add(problems.unreadable_files, file.string() + ": cannot be opened");
        return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::vector<StatementGroup> groups;  // in order of first appearance
    std::size_t skipped = 0;
    for (const auto& written : sql::split_statements(history::up_section(text.str()))) {
        // The DDL as written, without the comments that precede it: they are not part of what runs.
        const std::string statement(sql::without_leading_comments(written));
        const auto info = sql::analyze_statement(statement);
        if (!info.parsed) {
            problems.add(problems.unparsed_statements, file.string() + ": " + info.error);
            ++skipped;
            continue;
        }
        // Transaction control is the migration runner's business; reads change nothing.
        if (info.kind == sql::StatementKind::transaction || info.kind == sql::StatementKind::read) continue;
        const auto table = statement_table(info, snapshot);
        auto group = std::find_if(groups.begin(), groups.end(), [&](const StatementGroup& g) { return g.table == table; });
        if (group == groups.end()) group = groups.insert(groups.end(), StatementGroup{table, {}, {}, 0});
        group->statements.push_back(statement);
        group->changes.insert(group->changes.end(), info.ddl_changes.begin(), info.ddl_changes.end());
        if (info.kind == sql::StatementKind::write) ++group->data_statements;
    }
    if (groups.empty() && skipped == 0) problems.add(problems.unreadable_files, file.string() + ": no statement");
    for (const auto& group : groups) out.push_back(group_candidate(group, file.string(), skipped));
}

std::string rename_target(const std::string& detail) {
    return detail.starts_with("-> ") ? detail.substr(3) : std::string{};
}

// A Django RemoveField of a foreign key names the field ("author"); the column is "author_id".
std::string existing_column(const schema::SchemaSnapshot& snapshot, const schema::TableInfo& table, const std::string& name) {
    if (const auto* column = find_column(snapshot, table, name)) return column->name;
    if (const auto* column = find_column(snapshot, table, name + "_id")) return column->name;
    return {};
}

// The statement a Rails/Django event stands for, when the event carries all of it: drops and renames.
// Added and altered columns are not derived: the DSL's options (null, default, limit) are not in the event.
std::vector<std::string> derived_ddl(const history::HistoryEvent& event, const schema::SchemaSnapshot* snapshot,
                                     std::string& column, std::string& why_not) {
    const auto& op = event.op;
    if (op != "drop_table" && op != "rename_table" && op != "drop_column" && op != "rename_column") {
        why_not = "DDL not derived: the migration DSL's options (null, default, limit, ...) are not read";
        return {};
    }
    const auto engine = ddl_engine(snapshot);
    std::string table = ddl_identifier(event.table, engine);
    const schema::TableInfo* info = snapshot != nullptr ? find_table(*snapshot, event.table) : nullptr;
    if (snapshot != nullptr) {
        if (info == nullptr) {
            why_not = "DDL not derived: table " + event.table + " is not in the schema";
            return {};
        }
        table = ddl_table_name(*info, engine);
    }
    if (op == "drop_table") return {"DROP TABLE " + table};
    if (op == "rename_table") {
        const auto target = rename_target(event.detail);
        if (target.empty()) return {};
        return {"ALTER TABLE " + table + " RENAME TO " + ddl_identifier(target, engine)};
    }
    if (info != nullptr) {
        column = existing_column(*snapshot, *info, event.column);
        if (column.empty()) {
            why_not = "DDL not derived: column " + event.column + " is not in table " + info->name;
            column = event.column;
            return {};
        }
    }
    if (op == "drop_column") return {"ALTER TABLE " + table + " DROP COLUMN " + ddl_identifier(column, engine)};
    const auto target = rename_target(event.detail);
    if (target.empty()) return {};
    return {"ALTER TABLE " + table + " RENAME COLUMN " + ddl_identifier(column, engine) + " TO " +
            ddl_identifier(target, engine)};
}

void read_dsl_file(const fs::path& file, MigrationKind kind, const schema::SchemaSnapshot* snapshot,
                   history::ReadProblems& problems, std::vector<Candidate>& out) {
    history::History history;
    if (kind == MigrationKind::rails) {
        history::read_rails_migration(file, "pending", history);
    } else {
        history::read_django_migration(file, "pending", history);
    }
    problems.merge(history.problems);
    for (const auto& event : history.events) {
        Candidate candidate;
        candidate.table = event.table;
        candidate.column = event.column;
        candidate.type = event.op;
        candidate.demand = 1;
        std::string why_not;
        candidate.ddl = derived_ddl(event, snapshot, candidate.column, why_not);
        std::string detail = file.string() + ": " + event.op + " " + event.table;
        if (!event.column.empty()) detail += "." + event.column;
        if (!event.detail.empty()) detail += " (" + event.detail + ")";
        candidate.evidence.push_back({k_source, detail});
        if (!why_not.empty()) candidate.evidence.push_back({k_source, why_not});
        candidate.description = event.table + ": " + event.op + (candidate.column.empty() ? "" : " " + candidate.column) +
                                " (pending migration " + file.filename().string() + ")";
        out.push_back(std::move(candidate));
    }
}

}  // namespace

std::vector<Candidate> pending_migration_candidates(const std::vector<fs::path>& paths,
                                                    const schema::SchemaSnapshot* snapshot,
                                                    history::ReadProblems& problems) {
    std::vector<Candidate> candidates;
    for (const auto& file : migration_files(paths)) {
        const auto kind = kind_of(file);
        if (kind == MigrationKind::sql) {
            read_sql_file(file, snapshot, problems, candidates);
        } else if (kind == MigrationKind::rails || kind == MigrationKind::django) {
            read_dsl_file(file, kind, snapshot, problems, candidates);
        } else {
            problems.add(problems.unreadable_files, file.string() + ": not a SQL, Rails or Django migration");
        }
    }
    return candidates;
}

}  // namespace schemaflip::predict
