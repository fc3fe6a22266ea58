// PostgreSQL shadows: a new database on the shadow's server and the primary's schema from pg_dump
// (pre-data). With --sync none its rows follow by parallel binary COPY, then indexes and constraints
// (post-data); with --sync logical the whole schema comes first and a subscription copies the rows and
// keeps applying the primary's changes (logical_sync.cpp). Sequences are set to the primary's positions,
// and finally the change is applied, each statement timed at real data size.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

#include "core/db/database.hpp"
#include "core/db/postgres_database.hpp"
#include "core/schema/introspect.hpp"
#include "core/sql/lock_levels.hpp"
#include "core/shadow/logical_sync.hpp"
#include "core/shadow/pg_tools.hpp"
#include "core/shadow/postgres_catalog.hpp"
#include "core/shadow/shadow_engine.hpp"
#include "core/shadow/statement_watch.hpp"
#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"
#include "core/util/process.hpp"
#include "core/util/redact.hpp"

namespace schemaflip::shadow {
namespace {

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

void run_tool(const PgTools& tools, const std::string& tool, const std::vector<std::string>& arguments,
              const std::string& conninfo, const std::filesystem::path& output, const std::string& what) {
    const auto password = [&] {
        for (const auto& [key, value] : db::postgres_settings(conninfo)) {
            if (key == "password") return value;
        }
        return std::string();
    }();
    const auto result = util::run_process((tools.bin / tool).string(), arguments, libpq_environment(conninfo), output);
    if (result.exit_code != 0) {
        std::string message = util::redact_secret(util::redact_url(result.error_output), password);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        throw UnavailableError(what, message.empty() ? tool + " exited with " + std::to_string(result.exit_code) : message);
    }
}

// The primary's schema, dumped once (custom format, schema only) and restored in two sections around the
// rows: pre-data before them, post-data (indexes, constraints, triggers) after them, where pg_restore builds
// independent indexes and constraints in parallel, as pg_restore -j does for a whole database.
class SchemaDump {
public:
    SchemaDump(const PgTools& tools, const std::string& primary) : m_tools(tools) {
        // Never the primary's publications and subscriptions: a copied subscription would point at the
        // primary's own publisher, and dropping it could drop that publisher's slot.
        run_tool(m_tools, "pg_dump",
                 {"--schema-only", "--format=custom", "--no-publications", "--no-subscriptions",
                  "--file=" + m_file.path().string()},
                 primary, m_output.path(), "pg_dump of the primary's schema failed");
    }

    void restore(const std::string& shadow, const std::string& section, int jobs) const {
        run_tool(m_tools, "pg_restore",
                 {"--no-owner", "--no-privileges", "--exit-on-error", "--section=" + section, "--jobs=" + std::to_string(jobs),
                  "--dbname=" + db::postgres_database_name(shadow), m_file.path().string()},
                 shadow, m_output.path(), "restoring the primary's schema (" + section + ") into the shadow failed");
    }

private:
    const PgTools& m_tools;
    TempPath m_file;
    TempPath m_output;
};

std::vector<std::string> user_tables(db::Database& primary) {
    // Largest first, so parallel copies finish together; extension-owned tables come with their extension.
    const auto rows = primary.query(std::string("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                                                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") +
                                    k_user_table_filter + " ORDER BY pg_total_relation_size(c.oid) DESC, 1");
    std::vector<std::string> tables;
    for (const auto& row : rows.rows) tables.push_back(value_text(row[0]));
    return tables;
}

// One snapshot for every table, as pg_dump's parallel jobs share one: a row the primary commits while the
// copy runs is in every table's copy or in none, so post-data's foreign keys hold. Empty when the server
// cannot export one; each table is then consistent on its own.
std::string export_snapshot(db::Database& coordinator) {
    try {
        coordinator.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        return value_text(coordinator.query("SELECT pg_export_snapshot()").rows.at(0).at(0));
    } catch (const Error&) {
        try {
            coordinator.execute("ROLLBACK");
        } catch (const Error&) {
            // Without a transaction there is nothing to end.
        }
        return {};
    }
}

void copy_rows(const std::string& primary, const std::string& shadow, const std::vector<std::string>& tables, int jobs) {
    // The exporting transaction stays open until every job has taken its snapshot, i.e. to the end.
    auto coordinator = db::open_database(primary, {.read_only = true});
    const std::string snapshot = export_snapshot(*coordinator);
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    // Each job connects once and copies the next table until none is left (largest first, so the jobs end
    // together): for a database of many small tables, connecting costs more than copying.
    const auto worker = [&] {
        try {
            std::optional<db::PostgresTableCopier> copier;
            for (std::size_t i = next++; i < tables.size() && !util::interrupted(); i = next++) {
                if (!copier) copier.emplace(primary, shadow, snapshot);
                copier->copy(tables[i]);
            }
        } catch (...) {
            const std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next = tables.size();
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

void apply_change(db::Database& shadow, const PlannedChange& change, AppliedChange& applied, const Progress& progress) {
    // Statement by statement in autocommit: CREATE INDEX CONCURRENTLY cannot run in a transaction block.
    for (std::size_t i = 0; i < change.statements.size(); ++i) {
        const auto& statement = change.statements[i];
        const sql::LockLevel lock = sql::postgres_lock_level(change.infos[i].ddl_changes);
        progress("applying statement " + std::to_string(i + 1) + " of " + std::to_string(change.statements.size()));
        const auto started = std::chrono::steady_clock::now();
        try {
            // A rewrite of a large table can take long: SIGINT cancels it on the server.
            run_watched(shadow, statement, std::nullopt, "applying the change", 0);
        } catch (const InterruptedError&) {
            throw;
        } catch (const Error& e) {
            throw UnavailableError("statement failed on the shadow: " + statement, e.reason().empty() ? e.what() : e.reason());
        }
        const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
        applied.statements.push_back({statement, elapsed.count(), lock.mode, lock.effect});
    }
}

// pg_dump's pre-data creates sequences at their start, their positions being data: set each to the primary's,
// so that the shadow's next serial or identity value does not collide with the copied rows. Returns how many.
std::size_t copy_sequence_positions(db::Database& primary, db::Database& shadow) {
    const auto sequences = primary.query(std::string("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                                                     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") +
                                         k_user_sequence_filter + " ORDER BY 1");
    for (const auto& sequence : sequences.rows) {
        const std::string name = value_text(sequence[0]);
        const auto position = primary.query("SELECT last_value, is_called FROM " + name).rows.at(0);
        shadow.query("SELECT setval(" + shadow.quote_literal(name) + ", " + value_text(position[0]) + ", " +
                     (value_integer(position[1]) != 0 ? "true" : "false") + ")");
    }
    return sequences.rows.size();
}

int server_major(db::Database& database) {
    const auto version = value_integer(database.query("SELECT current_setting('server_version_num')::int").rows.at(0).at(0));
    return static_cast<int>(version / 10000);
}

void check_shadow_url(const db::DatabaseUrl& primary, const db::DatabaseUrl& shadow, const std::string& name) {
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
}

// --force: the old shadow goes, with any subscription in it (DROP DATABASE refuses while one exists).
void replace_existing(const UpRequest& request, db::Database& admin, const std::string& name, const std::string& redacted) {
    if (!database_exists(admin, name)) return;
    if (!request.force) {
        throw InputError("shadow database " + name + " already exists on " + redacted, {},
                         "drop it, or pass --force to replace it");
    }
    for (const auto& subscription : subscriptions_in(admin, name)) {
        remove_logical_object({request.primary, request.shadow}, {"subscription", subscription});
    }
    admin.execute("DROP DATABASE " + admin.quote_identifier(name) + " WITH (FORCE)");
}

}  // namespace

void postgres_shadow_up(const UpRequest& request, const PlannedChange& change, ShadowManifest& manifest,
                        const RecordManifest& record) {
    const auto primary = db::parse_database_url(request.primary);
    const auto shadow = db::parse_database_url(request.shadow);
    const bool logical = request.sync == "logical";
    const std::string name = db::postgres_database_name(shadow.target);
    check_shadow_url(primary, shadow, name);
    // The primary is reachable before anything is created. This read-only session is all it sees, except
    // for the publication and slot of --sync logical.
    auto reader = db::open_database(request.primary, {.read_only = true});
    auto admin = db::open_database(db::postgres_conninfo_for_database(shadow.target, k_maintenance_database));
    const PgTools tools = find_pg_tools(server_major(*reader));
    std::vector<PublishedTable> published;
    const LogicalNames names = logical_names(name);
    if (logical) {
        published = published_tables(*reader);
        check_logical_sync(*reader, *admin, published, change);
    }
    replace_existing(request, *admin, name, shadow.redacted);
    if (logical) clear_leftover_sync({request.primary, request.shadow}, names, request.force);

    // Recorded before it exists, so a crash right after CREATE still leaves it in the manifest.
    manifest.created.push_back({"database", name});
    record(manifest);
    request.progress("creating database " + name + " and copying the schema (pg_dump " + std::to_string(tools.major) + ")");
    // pg_dump reads the primary's catalog while the shadow's server creates the database.
    auto pending_dump = std::async(std::launch::async, [&] { return std::make_unique<const SchemaDump>(tools, primary.target); });
    admin->execute("CREATE DATABASE " + admin->quote_identifier(name) + " TEMPLATE template0");
    const auto dump_holder = pending_dump.get();
    const SchemaDump& dump = *dump_holder;
    dump.restore(shadow.target, "pre-data", 1);
    util::throw_if_interrupted("while copying the schema");
    if (!logical) {
        request.progress("copying rows, " + std::to_string(request.jobs) + " tables at a time");
        copy_rows(primary.target, shadow.target, user_tables(*reader), request.jobs);
        util::throw_if_interrupted("while copying rows");
    }
    request.progress("restoring indexes and constraints");
    dump.restore(shadow.target, "post-data", request.jobs);
    util::throw_if_interrupted("while restoring indexes and constraints");

    auto database = db::open_database(request.shadow);
    std::unique_ptr<db::Database> writer;
    SyncStep step{request, names, manifest, record};
    if (logical) {
        // Only here, and only because the user asked for sync, does anything get created on the primary.
        writer = db::open_database(request.primary);
        start_logical_sync(step, *writer, *database, published, db::postgres_connection_conninfo(primary.target));
    }
    const auto sequences = copy_sequence_positions(*reader, *database);
    request.progress("set " + std::to_string(sequences) + " sequences to the primary's positions");

    // The shadow still has the primary's schema: flip plans the rollback from this and the snapshot after.
    const auto before = schema::introspect(*database);
    AppliedChange applied{change.id, change.source, {}};
    apply_change(*database, change, applied, request.progress);
    manifest.changes.push_back(std::move(applied));
    if (logical) manifest.lsn = wait_for_catch_up(step, *reader, *database);
    const auto snapshot = schema::introspect(*database, {.exact_counts = true});
    for (const auto& table : snapshot.tables) manifest.tables.push_back({table.schema, table.name, table.row_count, table.bytes});
    manifest.changed_tables = changed_tables(before, snapshot);
}

std::optional<bool> postgres_object_exists(const ServerUrls& urls, const CreatedObject& object) {
    if (object.type != "database") return logical_object_exists(urls, object);
    const auto shadow = db::parse_database_url(urls.shadow);
    auto admin = db::open_database(db::postgres_conninfo_for_database(shadow.target, k_maintenance_database));
    return database_exists(*admin, object.name);
}

bool postgres_remove_object(const ServerUrls& urls, const CreatedObject& object) {
    if (object.type != "database") return remove_logical_object(urls, object);
    const auto shadow = db::parse_database_url(urls.shadow);
    auto admin = db::open_database(db::postgres_conninfo_for_database(shadow.target, k_maintenance_database));
    const bool existed = database_exists(*admin, object.name);
    // DROP DATABASE refuses while a subscription lives in it (one the manifest lost track of).
    if (existed) {
        for (const auto& subscription : subscriptions_in(*admin, object.name)) {
            remove_logical_object(urls, {"subscription", subscription});
        }
    }
    admin->execute("DROP DATABASE IF EXISTS " + admin->quote_identifier(object.name) + " WITH (FORCE)");
    return existed;
}

}  // namespace schemaflip::shadow
