// Logical replication from the primary to the shadow: setup in the order that works inside one cluster
// (publication, then the slot by pg_create_logical_replication_slot, then a subscription that does not
// create one: CREATE SUBSCRIPTION's own slot creation waits for its own transaction and hangs), the waits,
// the removal (DISABLE, slot_name = NONE, DROP, so it works whether or not the primary answers) and status.
#include "core/shadow/logical_sync.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <thread>

#include "core/db/postgres_database.hpp"
#include "core/shadow/postgres_catalog.hpp"
#include "core/shadow/statement_watch.hpp"
#include "core/util/error.hpp"
#include "core/util/redact.hpp"

namespace schemaflip::shadow {
namespace {

using db::value_integer;
using db::value_text;
using namespace std::chrono_literals;

constexpr auto k_poll_interval = 200ms;
constexpr auto k_removal_patience = std::chrono::seconds(15);

// ---- connections ----------------------------------------------------------------------------------------

// A session on `database` of the server of `url`; a redacted password (***) is left out, so libpq takes
// PGPASSWORD or ~/.pgpass instead.
std::unique_ptr<db::Database> open_on(const std::string& url, const std::string& database, bool read_only = false) {
    const auto parsed = db::parse_database_url(url);
    return db::open_database(db::postgres_conninfo_for_database(parsed.target, database), {.read_only = read_only});
}

std::string database_of(const std::string& url) { return db::postgres_database_name(db::parse_database_url(url).target); }

std::unique_ptr<db::Database> open_maintenance(const std::string& url) { return open_on(url, k_maintenance_database); }

// The first value of the first row: a count, a setting.
std::int64_t single_integer(db::Database& database, const std::string& sql) {
    return value_integer(database.query(sql).rows.at(0).at(0));
}

bool database_exists(db::Database& server, const std::string& name) {
    return single_integer(server, "SELECT count(*) FROM pg_database WHERE datname = " + server.quote_literal(name)) > 0;
}

int server_version(db::Database& database) {
    return static_cast<int>(single_integer(database, "SELECT current_setting('server_version_num')::int"));
}

// ---- lookups --------------------------------------------------------------------------------------------

std::string this_database_subscription(db::Database& database, const std::string& name) {
    return "FROM pg_subscription s WHERE s.subname = " + database.quote_literal(name) +
           " AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())";
}

bool slot_exists(db::Database& primary, const std::string& name) {
    return single_integer(primary, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = " + primary.quote_literal(name)) >
           0;
}

bool publication_exists(db::Database& primary, const std::string& name) {
    return single_integer(primary, "SELECT count(*) FROM pg_publication WHERE pubname = " + primary.quote_literal(name)) > 0;
}

bool subscription_exists(const std::string& shadow_url, const std::string& name) {
    auto server = open_maintenance(shadow_url);
    // pg_subscription is shared by the whole server; a subscription belongs to the database it was made in.
    return single_integer(*server, "SELECT count(*) FROM pg_subscription WHERE subname = " + server->quote_literal(name) +
                                       " AND subdbid = (SELECT oid FROM pg_database WHERE datname = " +
                                       server->quote_literal(database_of(shadow_url)) + ")") > 0;
}

// Errors the subscription's workers reported (PostgreSQL 15's pg_stat_subscription_stats); nullopt before 15.
struct ErrorCounts {
    std::int64_t apply = 0;
    std::int64_t sync = 0;
};

std::optional<ErrorCounts> subscription_errors(db::Database& shadow, const std::string& name) {
    if (server_version(shadow) < 150000) return std::nullopt;
    const auto rows = shadow.query("SELECT apply_error_count, sync_error_count FROM pg_stat_subscription_stats WHERE subname = " +
                                   shadow.quote_literal(name));
    if (rows.rows.empty()) return ErrorCounts{};
    return ErrorCounts{value_integer(rows.rows[0][0]), value_integer(rows.rows[0][1])};
}

// ---- removal --------------------------------------------------------------------------------------------

// Retries `attempt` until it succeeds or `patience` runs out, then rethrows its last failure: a slot stays
// "active" for a moment after its subscription's worker stops.
template <typename Attempt>
void retry(Attempt attempt) {
    const auto give_up = Clock::now() + k_removal_patience;
    for (;;) {
        try {
            attempt();
            return;
        } catch (const Error&) {
            if (Clock::now() >= give_up) throw;
        }
        std::this_thread::sleep_for(k_poll_interval);
    }
}

bool remove_subscription(const std::string& shadow_url, const std::string& name) {
    {
        auto server = open_maintenance(shadow_url);
        if (!database_exists(*server, database_of(shadow_url))) return false;  // it died with its database
    }
    auto shadow = open_on(shadow_url, database_of(shadow_url));
    if (single_integer(*shadow, "SELECT count(*) " + this_database_subscription(*shadow, name)) == 0) return false;
    const std::string quoted = shadow->quote_identifier(name);
    // Detached from its slot, DROP never needs the primary; PostgreSQL still drops the slots of unfinished
    // initial copies on the primary when it can reach it. The slot itself is a manifest object of its own.
    shadow->execute("ALTER SUBSCRIPTION " + quoted + " DISABLE");
    shadow->execute("ALTER SUBSCRIPTION " + quoted + " SET (slot_name = NONE)");
    retry([&] { shadow->execute("DROP SUBSCRIPTION IF EXISTS " + quoted); });
    return true;
}

bool remove_slot(const std::string& primary_url, const std::string& name) {
    auto primary = open_on(primary_url, database_of(primary_url));
    if (!slot_exists(*primary, name)) return false;
    const auto started = Clock::now();
    retry([&] {
        const auto rows =
            primary->query("SELECT active_pid FROM pg_replication_slots WHERE slot_name = " + primary->quote_literal(name));
        if (rows.rows.empty()) return;
        const auto& pid = rows.rows[0][0];
        // A walsender whose subscriber is gone lets go of the slot by itself; one that lingers is ended.
        if (!pid.is_null() && Clock::now() - started > k_removal_patience / 3) {
            primary->query("SELECT pg_terminate_backend(" + std::to_string(value_integer(pid)) + ")");
        }
        primary->query("SELECT pg_drop_replication_slot(" + primary->quote_literal(name) + ")");
    });
    return true;
}

bool remove_publication(const std::string& primary_url, const std::string& name) {
    auto primary = open_on(primary_url, database_of(primary_url));
    if (!publication_exists(*primary, name)) return false;
    primary->execute("DROP PUBLICATION IF EXISTS " + primary->quote_identifier(name));
    return true;
}

// ---- setup ----------------------------------------------------------------------------------------------

Clock::time_point deadline_of(const UpRequest& request) {
    return Clock::now() + std::chrono::seconds(request.sync_timeout_seconds);
}

void create_publication(SyncStep& step, db::Database& primary, const std::vector<PublishedTable>& tables) {
    std::string list;
    for (const auto& table : tables) list += (list.empty() ? "" : ", ") + table.quoted;
    step.request.progress("creating publication " + step.names.publication + " for " + std::to_string(tables.size()) +
                          " tables on the primary");
    step.manifest.created.push_back({"publication", step.names.publication});
    step.record(step.manifest);
    // A publication of no table is legal; FOR TABLE with an empty list is not.
    run_watched(
        primary,
        "CREATE PUBLICATION " + primary.quote_identifier(step.names.publication) + (list.empty() ? "" : " FOR TABLE " + list),
        deadline_of(step.request), "creating the publication", step.request.sync_timeout_seconds);
}

void create_slot(SyncStep& step, db::Database& primary) {
    step.request.progress("creating replication slot " + step.names.slot + " on the primary (waits for open transactions)");
    step.manifest.created.push_back({"slot", step.names.slot});
    step.record(step.manifest);
    run_watched(primary, "SELECT pg_create_logical_replication_slot(" + primary.quote_literal(step.names.slot) + ", 'pgoutput')",
                deadline_of(step.request), "creating the replication slot", step.request.sync_timeout_seconds);
}

// Logging settings only a superuser may change: without the right (pg_create_subscription on 16) the
// server's logging simply stays as configured.
void set_quietly(db::Database& database, std::initializer_list<const char*> settings) {
    for (const char* setting : settings) {
        try {
            database.execute(setting);
        } catch (const Error&) {
        }
    }
}

void create_subscription(SyncStep& step, db::Database& shadow, const std::string& primary_conninfo) {
    step.request.progress("creating subscription " + step.names.subscription + " in the shadow");
    step.manifest.created.push_back({"subscription", step.names.subscription});
    step.record(step.manifest);
    std::string password;
    for (const auto& [key, value] : db::postgres_settings(primary_conninfo)) {
        if (key == "password") password = value;
    }
    // The statement carries the primary's password: keep it out of the server's log where we may.
    set_quietly(shadow, {"SET log_statement = 'none'", "SET log_min_error_statement = 'panic'"});
    try {
        run_watched(
            shadow,
            "CREATE SUBSCRIPTION " + shadow.quote_identifier(step.names.subscription) + " CONNECTION " +
                shadow.quote_literal(primary_conninfo) + " PUBLICATION " + shadow.quote_identifier(step.names.publication) +
                " WITH (create_slot = false, slot_name = " + shadow.quote_literal(step.names.slot) + ", copy_data = true)",
            deadline_of(step.request), "creating the subscription", step.request.sync_timeout_seconds);
    } catch (const InterruptedError&) {
        throw;
    } catch (const Error& e) {
        throw UnavailableError(util::redact_secret(e.what(), password), util::redact_secret(e.reason(), password), e.help());
    }
    set_quietly(shadow, {"RESET log_statement", "RESET log_min_error_statement"});
}

[[noreturn]] void throw_worker_failure(const std::string& during, const ErrorCounts& errors) {
    throw UnavailableError("the subscription failed on the shadow during " + during,
                           std::to_string(errors.sync) + " initial-copy and " + std::to_string(errors.apply) +
                               " apply errors (pg_stat_subscription_stats); the shadow server's log has the messages",
                           "a change the primary's rows or writes do not fit (SET NOT NULL, a CHECK or UNIQUE constraint) "
                           "cannot stay in sync: use --sync none");
}

void wait_for_initial_copy(SyncStep& step, db::Database& shadow) {
    const auto deadline = deadline_of(step.request);
    const std::string counts =
        "SELECT count(*), count(*) FILTER (WHERE r.srsubstate = 'r') FROM pg_subscription_rel r WHERE r.srsubid = "
        "(SELECT s.oid " +
        this_database_subscription(shadow, step.names.subscription) + ")";
    std::int64_t reported = -1;
    for (;;) {
        const auto row = shadow.query(counts).rows.at(0);
        const std::int64_t total = value_integer(row[0]);
        const std::int64_t ready = value_integer(row[1]);
        if (const auto errors = subscription_errors(shadow, step.names.subscription);
            errors && (errors->sync > 0 || errors->apply > 0)) {
            throw_worker_failure("the initial copy", *errors);
        }
        if (ready == total) return;
        if (ready != reported) {
            step.request.progress("initial copy: " + std::to_string(ready) + " of " + std::to_string(total) + " tables ready");
            reported = ready;
        }
        pause_or_throw(k_poll_interval, deadline, "the initial copy", step.request.sync_timeout_seconds);
    }
}

}  // namespace

LogicalNames logical_names(const std::string& shadow_database) {
    std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bits
    for (const unsigned char c : shadow_database) hash = (hash ^ c) * 1099511628211ULL;
    std::string folded;
    for (const unsigned char c : shadow_database) {
        if (folded.size() == 40) break;
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        folded += keep ? static_cast<char>(c) : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
    }
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(hash & 0xffffffffU));
    const std::string name = "schemaflip_" + folded + "_" + suffix;
    return {name, name, name};
}

std::vector<std::string> subscriptions_in(db::Database& shadow_server, const std::string& name) {
    std::vector<std::string> names;
    const auto rows =
        shadow_server.query("SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = " +
                            shadow_server.quote_literal(name) + ") ORDER BY 1");
    for (const auto& row : rows.rows) names.push_back(value_text(row[0]));
    return names;
}

void clear_leftover_sync(const ServerUrls& urls, const LogicalNames& names, bool force) {
    std::vector<CreatedObject> leftovers;
    if (subscription_exists(urls.shadow, names.subscription)) leftovers.push_back({"subscription", names.subscription});
    {
        auto primary = open_on(urls.primary, database_of(urls.primary), true);
        if (slot_exists(*primary, names.slot)) leftovers.push_back({"slot", names.slot});
        if (publication_exists(*primary, names.publication)) leftovers.push_back({"publication", names.publication});
    }
    if (leftovers.empty()) return;
    if (!force) {
        std::string list;
        for (const auto& object : leftovers) list += (list.empty() ? "" : ", ") + object.type + " " + object.name;
        throw InputError(
            "an earlier shadow of this name left its replication objects: " + list, {},
            "remove them with 'schemaflip shadow down --manifest FILE' of that shadow, or pass --force to replace them");
    }
    for (const auto& object : leftovers) remove_logical_object(urls, object);
}

void start_logical_sync(SyncStep& step, db::Database& primary, db::Database& shadow, const std::vector<PublishedTable>& tables,
                        const std::string& primary_conninfo) {
    create_publication(step, primary, tables);
    create_slot(step, primary);
    create_subscription(step, shadow, primary_conninfo);
    wait_for_initial_copy(step, shadow);
    step.request.progress("initial copy done: " + std::to_string(tables.size()) + " tables");
}

SyncPositions wait_for_catch_up(SyncStep& step, db::Database& primary, db::Database& shadow) {
    const auto deadline = deadline_of(step.request);
    const std::string target = value_text(primary.query("SELECT pg_current_wal_lsn()::text").rows.at(0).at(0));
    const std::string progress = "SELECT confirmed_flush_lsn >= " + primary.quote_literal(target) + "::pg_lsn, pg_wal_lsn_diff(" +
                                 primary.quote_literal(target) +
                                 "::pg_lsn, confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = " +
                                 primary.quote_literal(step.names.slot);
    std::int64_t reported = -1;
    for (;;) {
        const auto rows = primary.query(progress);
        if (rows.rows.empty()) throw UnavailableError("replication slot " + step.names.slot + " disappeared from the primary");
        if (value_integer(rows.rows[0][0]) != 0) break;
        if (const auto errors = subscription_errors(shadow, step.names.subscription);
            errors && (errors->sync > 0 || errors->apply > 0)) {
            throw_worker_failure("catching up with the primary", *errors);
        }
        const std::int64_t behind = value_integer(rows.rows[0][1]);
        if (behind != reported) {
            step.request.progress("catching up: " + std::to_string(behind) + " bytes of WAL behind " + target);
            reported = behind;
        }
        pause_or_throw(k_poll_interval, deadline, "the shadow to catch up with the primary", step.request.sync_timeout_seconds);
    }
    const std::string shadow_position = value_text(shadow.query("SELECT pg_current_wal_lsn()::text").rows.at(0).at(0));
    step.request.progress("in sync at primary LSN " + target + " (shadow LSN " + shadow_position + ")");
    return {target, shadow_position};
}

bool remove_logical_object(const ServerUrls& urls, const CreatedObject& object) {
    if (object.type == "subscription") return remove_subscription(urls.shadow, object.name);
    if (object.type == "slot") return remove_slot(urls.primary, object.name);
    if (object.type == "publication") return remove_publication(urls.primary, object.name);
    throw InputError("shadow manifest records an unknown object type \"" + object.type + "\"");
}

bool logical_object_exists(const ServerUrls& urls, const CreatedObject& object) {
    if (object.type == "subscription") return subscription_exists(urls.shadow, object.name);
    auto primary = open_on(urls.primary, database_of(urls.primary), true);
    if (object.type == "slot") return slot_exists(*primary, object.name);
    if (object.type == "publication") return publication_exists(*primary, object.name);
    throw InputError("shadow manifest records an unknown object type \"" + object.type + "\"");
}

void logical_status(const ServerUrls& urls, const ShadowManifest& manifest, ShadowStatus& status) {
    std::string slot;
    std::string subscription;
    for (const auto& object : manifest.created) {
        if (object.type == "slot") slot = object.name;
        if (object.type == "subscription") subscription = object.name;
    }
    if (slot.empty() || subscription.empty()) return;  // an `up` that stopped before subscribing

    auto primary = open_on(urls.primary, database_of(urls.primary), true);
    const auto lag = primary->query(
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint, "
        "(SELECT extract(epoch FROM r.replay_lag)::float8 FROM pg_stat_replication r WHERE r.application_name = " +
        primary->quote_literal(subscription) +
        " LIMIT 1) FROM pg_replication_slots s WHERE s.slot_name = " + primary->quote_literal(slot));
    if (!lag.rows.empty() && !lag.rows[0][0].is_null()) status.lag_bytes = value_integer(lag.rows[0][0]);
    if (!lag.rows.empty() && !lag.rows[0][1].is_null()) status.lag_seconds = lag.rows[0][1].floating;

    SubscriptionStatus state{"missing", 0, 0, std::nullopt, std::nullopt};
    bool database_there = false;
    {
        auto server = open_maintenance(urls.shadow);
        database_there = database_exists(*server, database_of(urls.shadow));
    }
    if (database_there) {
        auto shadow = open_on(urls.shadow, database_of(urls.shadow), true);
        const auto rows = shadow->query(
            "SELECT s.subenabled, (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid), "
            "(SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate = 'r'), "
            "EXISTS (SELECT 1 FROM pg_stat_subscription w WHERE w.subid = s.oid AND w.relid IS NULL AND w.pid IS NOT NULL), "
            "(SELECT extract(epoch FROM now() - w.latest_end_time)::float8 FROM pg_stat_subscription w "
            "WHERE w.subid = s.oid AND w.relid IS NULL) " +
            this_database_subscription(*shadow, subscription));
        if (!rows.rows.empty()) {
            const auto& row = rows.rows[0];
            state.tables_total = static_cast<int>(value_integer(row[1]));
            state.tables_ready = static_cast<int>(value_integer(row[2]));
            const bool running = value_integer(row[3]) != 0;
            state.state = value_integer(row[0]) == 0                ? "disabled"
                          : !running                                ? "stopped"
                          : state.tables_ready < state.tables_total ? "initial copy"
                                                                    : "streaming";
            if (const auto errors = subscription_errors(*shadow, subscription)) {
                state.apply_errors = errors->apply;
                state.sync_errors = errors->sync;
            }
            // Without a recent replay_lag sample: nothing pending is no lag; otherwise the time since the
            // shadow last heard where the primary was.
            if (!status.lag_seconds && status.lag_bytes) {
                if (*status.lag_bytes <= 0) {
                    status.lag_seconds = 0.0;
                } else if (!row[4].is_null()) {
                    status.lag_seconds = row[4].floating;
                }
            }
        }
    }
    status.subscription = state;
}

}  // namespace schemaflip::shadow
