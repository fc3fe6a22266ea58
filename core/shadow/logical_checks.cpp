// Refusals for --sync logical, decided from the primary's catalog, the shadow server's settings and the
// change's parse (core/sql), before `shadow up` creates anything.
#include "core/shadow/logical_checks.hpp"

#include <optional>

#include "core/shadow/postgres_catalog.hpp"
#include "core/sql/statement_info.hpp"
#include "core/util/error.hpp"

namespace schemaflip::shadow {
namespace {

using db::value_integer;
using db::value_text;

constexpr const char* k_alternative = "use --sync none (a copy that does not follow the primary)";

// ---- types ----------------------------------------------------------------------------------------------

// Decimal digits an integer type holds before the point.
std::optional<long long> integer_digits(const std::string& name) {
    if (name == "int2") return 5;
    if (name == "int4") return 10;
    if (name == "int8") return 19;
    return std::nullopt;
}

bool is_character(const std::string& name) { return name == "varchar" || name == "bpchar"; }

// varchar(n), char(n): the longest text; none for varchar without a length.
std::optional<long long> length_limit(const sql::SqlType& type) {
    if (type.modifiers.empty()) return std::nullopt;
    return type.modifiers.front();
}

long long numeric_scale(const sql::SqlType& type) { return type.modifiers.size() > 1 ? type.modifiers[1] : 0; }

// Digits before the point of numeric(p,s): p - s; none for numeric without precision, which holds any.
std::optional<long long> numeric_integer_digits(const sql::SqlType& type) {
    if (type.modifiers.empty()) return std::nullopt;
    return type.modifiers[0] - numeric_scale(type);
}

bool numeric_holds(const sql::SqlType& from, const sql::SqlType& to) {
    const auto to_digits = numeric_integer_digits(to);
    if (!to_digits) return true;
    const auto from_digits = numeric_integer_digits(from);
    return from_digits && *to_digits >= *from_digits && numeric_scale(to) >= numeric_scale(from);
}

// Fractional-second digits of time and timestamp types: none given means 6, the most there is.
long long fraction_digits(const sql::SqlType& type) { return type.modifiers.empty() ? 6 : type.modifiers.front(); }

bool reads(const sql::SqlType& from, const sql::SqlType& to) {
    if (from.array_dimensions != to.array_dimensions) return to.array_dimensions == 0 && to.name == "text";
    if (from.name == to.name && from.modifiers == to.modifiers) return true;
    // Any text is a text value: the subscriber keeps exactly what the publisher printed.
    if (to.name == "text" || (to.name == "varchar" && to.modifiers.empty())) return true;
    const auto from_digits = integer_digits(from.name);
    if (from_digits) {
        if (const auto to_digits = integer_digits(to.name)) return *to_digits >= *from_digits;
        if (to.name == "numeric") return !numeric_integer_digits(to) || *numeric_integer_digits(to) >= *from_digits;
        if (to.name == "float8") return *from_digits <= 15;  // a double holds 15 decimal digits exactly
        if (to.name == "float4") return *from_digits <= 6;
        return false;
    }
    if (from.name == "numeric" && to.name == "numeric") return numeric_holds(from, to);
    if (from.name == "float4" && to.name == "float8") return true;
    if (is_character(from.name) && is_character(to.name)) {
        const auto from_length = length_limit(from);
        const auto to_length = length_limit(to);
        return !to_length || (from_length && *to_length >= *from_length);
    }
    const bool to_timestamp = to.name == "timestamp" || to.name == "timestamptz";
    if ((from.name == "timestamp" || from.name == "timestamptz") && to_timestamp) {
        // timestamptz printed with its offset reads into timestamp by dropping it: not the same value.
        return !(from.name == "timestamptz" && to.name == "timestamp") && fraction_digits(to) >= fraction_digits(from);
    }
    if (from.name == "date" && to_timestamp) return true;
    if (from.name == to.name && (from.name == "time" || from.name == "timetz" || from.name == "interval")) {
        return fraction_digits(to) >= fraction_digits(from);
    }
    if (from.name == "json" && to.name == "jsonb") return true;
    return false;
}

// ---- servers and tables ---------------------------------------------------------------------------------

int server_version(db::Database& database) {
    return static_cast<int>(value_integer(database.query("SELECT current_setting('server_version_num')::int").rows.at(0).at(0)));
}

std::string version_text(int version_num) {
    return version_num >= 100000 ? std::to_string(version_num / 10000)
                                 : std::to_string(version_num / 10000) + "." + std::to_string(version_num / 100 % 100);
}

void check_primary_server(db::Database& primary, const std::vector<PublishedTable>& tables) {
    const int version = server_version(primary);
    if (version < 100000) {
        throw UnavailableError("the primary runs PostgreSQL " + version_text(version) + ", which has no logical replication",
                               "--sync logical needs PostgreSQL 10 or later", k_alternative);
    }
    const std::string settings =
        "SELECT current_setting('wal_level'), r.rolsuper, r.rolreplication, current_user, "
        "has_database_privilege(current_database(), 'CREATE'), "
        "current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots), "
        "current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication) "
        "FROM pg_roles r WHERE r.rolname = current_user";
    const auto row = primary.query(settings).rows.at(0);
    const std::string user = value_text(row[3]);
    const bool superuser = value_integer(row[1]) != 0;
    if (value_text(row[0]) != "logical") {
        throw UnavailableError("the primary's wal_level is " + value_text(row[0]) + ", not logical",
                               "logical replication decodes the WAL, which needs wal_level=logical (a restart)", k_alternative);
    }
    if (!superuser && value_integer(row[2]) == 0) {
        throw UnavailableError("the primary's user " + user + " has no REPLICATION privilege",
                               "creating a logical replication slot needs it",
                               "ALTER ROLE " + primary.quote_identifier(user) + " REPLICATION, or " + k_alternative);
    }
    if (!superuser && value_integer(row[4]) == 0) {
        throw UnavailableError("the primary's user " + user + " may not create a publication in its database",
                               "CREATE PUBLICATION needs the CREATE privilege on the database", k_alternative);
    }
    // One slot for the subscription and one for a table's initial copy at a time.
    if (value_integer(row[5]) < 2 || value_integer(row[6]) < 2) {
        throw UnavailableError(
            "the primary has too few free replication slots or WAL senders",
            std::to_string(value_integer(row[5])) + " slots and " + std::to_string(value_integer(row[6])) +
                " senders are free; the subscription and its initial copy need 2 of each",
            "raise max_replication_slots / max_wal_senders, drop unused slots, or " + std::string(k_alternative));
    }
    for (const auto& table : tables) {
        if (!superuser && !table.owned) {
            throw UnavailableError("the primary's user " + user + " does not own table " + table.quoted,
                                   "only a table's owner may add it to a publication", k_alternative);
        }
        if (table.unlogged) {
            throw UnavailableError("table " + table.quoted + " is UNLOGGED, which logical replication cannot publish", {},
                                   k_alternative);
        }
        if (!table.has_identity) {
            throw UnavailableError(
                "table " + table.quoted + " has no primary key or replica identity",
                "its UPDATEs and DELETEs cannot be replicated, and once published the primary would refuse them",
                "add a primary key or ALTER TABLE ... REPLICA IDENTITY on the primary, or " + std::string(k_alternative));
        }
    }
}

void check_shadow_server(db::Database& shadow_server) {
    const int version = server_version(shadow_server);
    if (version < 100000) {
        throw UnavailableError("the shadow's server runs PostgreSQL " + version_text(version) + ", which has no subscriptions",
                               "--sync logical needs PostgreSQL 10 or later", k_alternative);
    }
    // CREATE SUBSCRIPTION is for superusers up to 15; 16 added the pg_create_subscription role.
    const std::string may_subscribe =
        version >= 160000 ? "r.rolsuper OR pg_has_role(current_user, 'pg_create_subscription', 'MEMBER')" : "r.rolsuper";
    const std::string settings = "SELECT " + may_subscribe +
                                 ", current_user, current_setting('max_logical_replication_workers')::int "
                                 "FROM pg_roles r WHERE r.rolname = current_user";
    const auto row = shadow_server.query(settings).rows.at(0);
    if (value_integer(row[0]) == 0) {
        throw UnavailableError("the shadow's user " + value_text(row[1]) + " may not create a subscription",
                               version >= 160000 ? "CREATE SUBSCRIPTION needs superuser or the pg_create_subscription role"
                                                 : "CREATE SUBSCRIPTION needs superuser before PostgreSQL 16",
                               k_alternative);
    }
    if (value_integer(row[2]) < 1) {
        throw UnavailableError("the shadow's server allows no logical replication worker", "max_logical_replication_workers is 0",
                               k_alternative);
    }
}

// ---- the change -----------------------------------------------------------------------------------------

// DdlChange names tables "name" in public (or unqualified) and "schema.name" elsewhere.
const PublishedTable* find_table(const std::vector<PublishedTable>& tables, const std::string& name) {
    for (const auto& table : tables) {
        if ((table.schema == "public" ? table.name : table.schema + "." + table.name) == name) return &table;
    }
    return nullptr;
}

std::optional<std::string> column_type(db::Database& primary, const PublishedTable& table, const std::string& column) {
    const auto rows = primary.query(
        "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " +
        primary.quote_literal(table.schema) + " AND c.relname = " + primary.quote_literal(table.name) +
        " AND a.attname = " + primary.quote_literal(column) + " AND a.attnum > 0 AND NOT a.attisdropped");
    if (rows.rows.empty()) return std::nullopt;
    return value_text(rows.rows[0][0]);
}

bool has_word(const std::string& detail, const std::string& word) {
    return (" " + detail + " ").find(" " + word + " ") != std::string::npos;
}

[[noreturn]] void refuse(const std::string& statement, const std::string& reason) {
    throw InputError("--sync logical cannot carry this change: " + statement, reason, k_alternative);
}

void check_change(db::Database& primary, const std::vector<PublishedTable>& tables, const std::string& statement,
                  const sql::DdlChange& change) {
    const PublishedTable* table = find_table(tables, change.table);
    if (table == nullptr) return;  // a table the primary does not publish (new, or the statement will fail)
    const std::string column = table->quoted + "." + change.column;
    const auto still_written = [](const std::string& what) {
        return "the primary keeps writing " + what +
               ", which the shadow would no longer have: the subscription would stop "
               "at the first row it sends";
    };
    if (change.op == "drop_column" || change.op == "rename_column") refuse(statement, still_written("column " + column));
    if (change.op == "drop_table" || change.op == "rename_table") refuse(statement, still_written("table " + table->quoted));
    if (change.op == "add_column" && has_word(change.detail, "not null") && !has_word(change.detail, "default") &&
        !has_word(change.detail, "identity") && !has_word(change.detail, "generated")) {
        refuse(statement, "rows the primary sends have no value for the new NOT NULL column " + column + " (it has no default)");
    }
    if (change.op == "alter_column_type") {
        // The detail is the new type, with " using" when the statement converts with an expression.
        std::string new_type = change.detail;
        if (new_type.ends_with(" using")) new_type.resize(new_type.size() - 6);
        const auto old_type = column_type(primary, *table, change.column);
        if (old_type && !subscriber_reads_text_of(*old_type, new_type)) {
            refuse(statement, "the shadow's " + column + " of type " + new_type + " cannot take every value the primary's " +
                                  *old_type + " sends (logical replication sends values as text)");
        }
    }
}

}  // namespace

std::vector<PublishedTable> published_tables(db::Database& primary) {
    const auto rows =
        primary.query(std::string("SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname), c.relpersistence = 'u', "
                                  "c.relreplident IN ('f', 'i') OR (c.relreplident = 'd' AND EXISTS "
                                  "(SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)), "
                                  "pg_has_role(c.relowner, 'USAGE') "
                                  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") +
                      k_user_table_filter + " ORDER BY 1, 2");
    std::vector<PublishedTable> tables;
    for (const auto& row : rows.rows) {
        tables.push_back({value_text(row[0]), value_text(row[1]), value_text(row[2]), value_integer(row[3]) != 0,
                          value_integer(row[4]) != 0, value_integer(row[5]) != 0});
    }
    return tables;
}

bool subscriber_reads_text_of(const std::string& publisher_type, const std::string& subscriber_type) {
    const auto from = sql::parse_type(publisher_type);
    const auto to = sql::parse_type(subscriber_type);
    return from && to && reads(*from, *to);
}

void check_logical_sync(db::Database& primary, db::Database& shadow_server, const std::vector<PublishedTable>& tables,
                        const PlannedChange& change) {
    // The change first: it is the user's input, and its refusal needs no privileges to be right.
    for (std::size_t i = 0; i < change.statements.size(); ++i) {
        for (const auto& ddl : change.infos[i].ddl_changes) check_change(primary, tables, change.statements[i], ddl);
    }
    check_primary_server(primary, tables);
    check_shadow_server(shadow_server);
}

}  // namespace schemaflip::shadow
