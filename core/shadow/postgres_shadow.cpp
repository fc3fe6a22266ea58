// PostgreSQL shadows with --sync none: a new database on the shadow's server, the primary's schema from
// pg_dump (pre-data), its rows by parallel binary COPY, then indexes and constraints (post-data), and
// finally the change, each statement timed at real data size.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "core/db/database.hpp"
#include "core/db/postgres_database.hpp"
#include "core/schema/introspect.hpp"
#include "core/shadow/lock_levels.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/util/error.hpp"
#include "core/util/process.hpp"
#include "core/util/redact.hpp"

namespace schemaflip::shadow {
namespace {

constexpr const char* k_pg_bin = "/usr/lib/postgresql/15/bin/";
constexpr const char* k_maintenance_database = "postgres";

using db::value_integer;
using db::value_text;

// Connection settings as libpq environment variables, so no password appears in a command line.
std::vector<std::pair<std::string, std::string>> libpq_environment(const std::string& conninfo) {
    static const std::vector<std::pair<std::string, std::string>> names = {
        {"host", "PGHOST"},       {"hostaddr", "PGHOSTADDR"}, {"port", "PGPORT"},       {"user", "PGUSER"},
        {"password", "PGPASSWORD"}, {"dbname", "PGDATABASE"}, {"sslmode", "PGSSLMODE"}, {"options", "PGOPTIONS"},
        {"connect_timeout", "PGCONNECT_TIMEOUT"}, {"passfile", "PGPASSFILE"}};
    std::vector<std::pair<std::string, std::string>> environment;
    for (const auto& [key, value] : db::postgres_settings(conninfo)) {
        for (const auto& [setting, variable] : names) {
            if (key == setting) environment.emplace_back(variable, value);
        }
    }
    return environment;
}

class TempPath {
public:
    TempPath() {
        std::string pattern = (std::filesystem::temp_directory_path() / "schemaflip-dump.XXXXXX").string();
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0) throw UnavailableError("cannot create a temporary file for pg_dump");
        ::close(fd);
        m_path = pattern;
    }
    ~TempPath() {
        std::error_code ignored;
        std::filesystem::remove(m_path, ignored);
    }
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

void run_tool(const std::string& tool, const std::vector<std::string>& arguments, const std::string& conninfo,
              const std::filesystem::path& output, const std::string& what) {
    const auto password = [&] {
        for (const auto& [key, value] : db::postgres_settings(conninfo)) {
            if (key == "password") return value;
        }
        return std::string();
    }();
    const auto result = util::run_process(k_pg_bin + tool, arguments, libpq_environment(conninfo), output);
    if (result.exit_code != 0) {
        std::string message = util::redact_secret(util::redact_url(result.error_output), password);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        throw UnavailableError(what, message.empty() ? tool + " exited with " + std::to_string(result.exit_code) : message);
    }
}

// One pg_dump section of the primary's schema, restored into the shadow by psql.
void copy_schema_section(const std::string& primary, const std::string& shadow, const std::string& section) {
    TempPath dump;
    run_tool("pg_dump", {"--no-owner", "--no-privileges", "--section=" + section}, primary, dump.path(),
             "pg_dump of the primary's schema (" + section + ") failed");
    // psql prints the dump's SELECT set_config(...) results; they are not the command's output.
    TempPath psql_output;
    run_tool("psql", {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", dump.path().string()}, shadow, psql_output.path(),
             "restoring the primary's schema (" + section + ") into the shadow failed");
}

std::vector<std::string> user_tables(db::Database& primary) {
    // Largest first, so parallel copies finish together; extension-owned tables come with their extension.
    const auto rows = primary.query(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
        "AND d.deptype = 'e') ORDER BY pg_total_relation_size(c.oid) DESC, 1");
    std::vector<std::string> tables;
    for (const auto& row : rows.rows) tables.push_back(value_text(row[0]));
    return tables;
}

void copy_rows(const std::string& primary, const std::string& shadow, const std::vector<std::string>& tables, int jobs) {
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    const auto worker = [&] {
        for (std::size_t i = next++; i < tables.size(); i = next++) {
            try {
                db::copy_postgres_table(primary, shadow, tables[i]);
            } catch (...) {
                const std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = tables.size();
            }
        }
    };
    std::vector<std::thread> threads;
    const auto count = std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(tables.size(), 1));
    for (std::size_t i = 0; i < count; ++i) threads.emplace_back(worker);
    for (auto& thread : threads) thread.join();
    if (failure) std::rethrow_exception(failure);
}

bool database_exists(db::Database& admin, const std::string& name) {
    const auto rows = admin.query("SELECT count(*) FROM pg_database WHERE datname = " + admin.quote_literal(name));
    return value_integer(rows.rows.at(0).at(0)) > 0;
}

void apply_change(db::Database& shadow, const PlannedChange& change, AppliedChange& applied) {
    // Statement by statement in autocommit: CREATE INDEX CONCURRENTLY cannot run in a transaction block.
    for (std::size_t i = 0; i < change.statements.size(); ++i) {
        const auto& statement = change.statements[i];
        const LockLevel lock = postgres_lock_level(change.infos[i].ddl_changes);
        const auto started = std::chrono::steady_clock::now();
        try {
            shadow.execute(statement);
        } catch (const Error& e) {
            throw UnavailableError("statement failed on the shadow: " + statement, e.reason().empty() ? e.what() : e.reason());
        }
        const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
        applied.statements.push_back({statement, elapsed.count(), lock.mode, lock.effect});
    }
}

}  // namespace

void postgres_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                        const RecordManifest& record) {
    const auto primary = db::parse_database_url(request.primary);
    const auto shadow = db::parse_database_url(request.shadow);
    if (request.sync != "none") throw UsageError("--sync logical is not implemented yet", {}, "use --sync none");
    const std::string name = db::postgres_database_name(shadow.target);
    // --force drops an existing shadow: never let a default or system database be one.
    const auto settings = db::postgres_settings(shadow.target);
    const bool named = std::any_of(settings.begin(), settings.end(), [](const auto& s) { return s.first == "dbname"; });
    if (!named || name == k_maintenance_database || name == "template0" || name == "template1") {
        throw UsageError("the shadow URL must name a database of its own", "got \"" + name + "\"",
                         "e.g. postgresql://host/app_shadow");
    }
    if (db::postgres_conninfo_for_database(primary.target, name) == db::postgres_conninfo_for_database(shadow.target, name) &&
        db::postgres_database_name(primary.target) == name) {
        throw UsageError("the shadow is the primary", "--primary and --shadow name the same database");
    }
    // The primary is reachable before anything is created; this read-only session is all it ever sees.
    auto reader = db::open_database(request.primary, {.read_only = true});
    auto admin = db::open_database(db::postgres_conninfo_for_database(shadow.target, k_maintenance_database));
    if (database_exists(*admin, name)) {
        if (!request.force) {
            throw InputError("shadow database " + name + " already exists on " + shadow.redacted, {},
                             "drop it, or pass --force to replace it");
        }
        admin->execute("DROP DATABASE " + admin->quote_identifier(name) + " WITH (FORCE)");
    }
    // Recorded before it exists, so a crash right after CREATE still leaves it in the manifest.
    manifest.created.push_back({"database", name});
    record(manifest);
    admin->execute("CREATE DATABASE " + admin->quote_identifier(name) + " TEMPLATE template0");

    copy_schema_section(primary.target, shadow.target, "pre-data");
    copy_rows(primary.target, shadow.target, user_tables(*reader), request.jobs);
    reader.reset();
    copy_schema_section(primary.target, shadow.target, "post-data");

    auto database = db::open_database(request.shadow);
    AppliedChange applied{change.id, change.source, {}};
    apply_change(*database, change, applied);
    manifest.changes.push_back(std::move(applied));
    const auto snapshot = schema::introspect(*database, {.exact_counts = true});
    for (const auto& table : snapshot.tables) manifest.tables.push_back({table.schema, table.name, table.row_count, table.bytes});
}

std::optional<bool> postgres_object_exists(const std::string& shadow_url, const CreatedObject& object) {
    const auto shadow = db::parse_database_url(shadow_url);
    auto admin = db::open_database(db::postgres_conninfo_for_database(shadow.target, k_maintenance_database));
    if (object.type == "database") return database_exists(*admin, object.name);
    return std::nullopt;
}

bool postgres_remove_object(const std::string& shadow_url, const CreatedObject& object) {
    if (object.type != "database") throw InputError("shadow manifest records an unknown object type \"" + object.type + "\"");
    const auto shadow = db::parse_database_url(shadow_url);
    auto admin = db::open_database(db::postgres_conninfo_for_database(shadow.target, k_maintenance_database));
    const bool existed = database_exists(*admin, object.name);
    admin->execute("DROP DATABASE IF EXISTS " + admin->quote_identifier(object.name) + " WITH (FORCE)");
    return existed;
}

}  // namespace schemaflip::shadow
