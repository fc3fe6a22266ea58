// What predict reads besides a live database: a workload profile document (from `analyze`) as the
// statements, tables and missing objects that candidates and risk need.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/history/history.hpp"
#include "core/schema/snapshot.hpp"
#include "core/sql/statement_info.hpp"

namespace schemaflip::predict {

// One statement shape of the profile, its example parsed again with libpg_query (and the snapshot, to
// attribute unqualified columns) so risk sees the same tables and columns analyze saw, plus the columns
// an INSERT or UPDATE writes, which the profile does not list.
struct WorkloadStatement {
    std::string fingerprint;
    std::string kind;  // read, write, ddl, transaction, utility
    std::uint64_t count = 0;
    std::string example;
    sql::StatementInfo info;
};

struct WorkloadTable {
    std::uint64_t statements = 0;  // executions touching the table
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
};

struct MissingObjectSeen {
    std::string kind;  // "column" or "table"
    std::string table;
    std::string column;
    std::uint64_t count = 0;
    std::string first_seen;  // ISO time or empty
    std::string last_seen;
    std::string example_message;
};

struct Workload {
    std::string source;                        // the profile's path, for evidence lines
    std::uint64_t analysed_statements = 0;     // the denominator of every share
    std::vector<WorkloadStatement> statements;  // the profile's order
    std::map<std::string, WorkloadTable> tables;
    std::vector<MissingObjectSeen> missing_objects;
    std::vector<history::HistoryEvent> ddl_events;  // DDL seen in the logs, as history (project "profile")
    bool fold_case = false;  // names match without regard to ASCII case (the snapshot is SQLite's)

    // Whether two table or column names name the same object.
    bool same_name(const std::string& a, const std::string& b) const;
    // The profile's entry for `table`, or null.
    const WorkloadTable* find_table(const std::string& table) const;
    // The executions of statements touching `table` over analysed_statements; 0 when none do.
    double statement_share(const std::string& table) const;
};

// Reads a workload_profile document; InputError naming the problem when it is not one.
Workload workload_from_json(const nlohmann::json& document, const std::string& source,
                            const schema::SchemaSnapshot* snapshot);
// The same from a file: InputError when it cannot be read or is not JSON.
Workload load_workload(const std::filesystem::path& path, const schema::SchemaSnapshot* snapshot);

// A schema snapshot document (from `inspect --format json`); InputError when unreadable or not one.
schema::SchemaSnapshot load_snapshot(const std::filesystem::path& path);

}  // namespace schemaflip::predict
