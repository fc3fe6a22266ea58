// PostgreSQL backend over libpqxx 6.4: autocommit statements, explicit transactions, typed results.
#include "core/db/postgres_database.hpp"

#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <pqxx/pqxx>

#include "core/db/postgres_read.hpp"
#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"
#include "core/util/redact.hpp"

namespace schemaflip::db {
namespace {

struct TypeInfo {
    ValueKind kind;
    const char* name;
};

// Built-in type OIDs (pg_type.dat); anything else is read as text and named from pg_type on demand.
const std::map<unsigned, TypeInfo>& builtin_types() {
    static const std::map<unsigned, TypeInfo> types = {
        {16, {ValueKind::boolean, "bool"}},         {17, {ValueKind::bytes, "bytea"}},
        {18, {ValueKind::text, "char"}},            {19, {ValueKind::text, "name"}},
        {20, {ValueKind::integer, "int8"}},         {21, {ValueKind::integer, "int2"}},
        {23, {ValueKind::integer, "int4"}},         {25, {ValueKind::text, "text"}},
        {26, {ValueKind::integer, "oid"}},          {114, {ValueKind::json, "json"}},
        {700, {ValueKind::floating, "float4"}},     {701, {ValueKind::floating, "float8"}},
        {1042, {ValueKind::text, "bpchar"}},        {1043, {ValueKind::text, "varchar"}},
        {1082, {ValueKind::date, "date"}},          {1083, {ValueKind::time, "time"}},
        {1114, {ValueKind::timestamp, "timestamp"}}, {1184, {ValueKind::timestamptz, "timestamptz"}},
        {1186, {ValueKind::text, "interval"}},      {1266, {ValueKind::time, "timetz"}},
        {1700, {ValueKind::numeric, "numeric"}},    {2950, {ValueKind::text, "uuid"}},
        {3802, {ValueKind::json, "jsonb"}},
    };
    return types;
}

// SQLSTATE classes that mean the server, not the statement, is the problem.
bool is_server_side_failure(const std::string& sqlstate) {
    if (sqlstate == "42501") return true;  // insufficient_privilege
    const std::string sqlclass = sqlstate.substr(0, 2);
    return sqlclass == "08" || sqlclass == "53" || sqlclass == "57" || sqlclass == "58" || sqlclass == "XX";
}

// Appends connect_timeout so an unreachable server fails in bounded time, unless the user set one.
std::string with_connect_timeout(const std::string& conninfo, int seconds) {
    if (seconds <= 0 || std::getenv("PGCONNECT_TIMEOUT") != nullptr) return conninfo;
    if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
    const std::string setting = "connect_timeout=" + std::to_string(seconds);
    if (conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://")) {
        return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + setting;
    }
    return conninfo + " " + setting;
}

// Adds fallback_application_name, which libpq uses only when neither the URL nor PGAPPNAME names one.
std::string with_application_name(const std::string& conninfo, const std::string& name) {
    if (name.empty()) return conninfo;
    if (conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://")) {
        std::string encoded;
        for (const char c : name) {
            const bool plain = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
            if (plain) {
                encoded += c;
                continue;
            }
            char escape[4];
            std::snprintf(escape, sizeof escape, "%%%02X", static_cast<unsigned char>(c));
            encoded += escape;
        }
        return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "fallback_application_name=" + encoded;
    }
    std::string quoted;
    for (const char c : name) {
        if (c == '\\' || c == '\'') quoted += '\\';
        quoted += c;
    }
    return conninfo + " fallback_application_name='" + quoted + "'";
}

// The password libpq would use, so it can be cut out of any server or library message.
std::string find_password(const std::string& conninfo) {
    std::string password;
    char* error = nullptr;
    if (PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error)) {
        for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
            if (std::string_view(option->keyword) == "password" && option->val != nullptr) password = option->val;
        }
        PQconninfoFree(options);
    }
    PQfreemem(error);
    if (password.empty()) {
        if (const char* env = std::getenv("PGPASSWORD")) password = env;
    }
    return password;
}

// libpqxx's direct connection, keeping libpq's handle for what libpqxx 6.4 does not offer: waiting on two
// connections at once (postgres_read.hpp). The policy sees every (re)connect, so the handle stays current.
class HandleKeepingPolicy final : public pqxx::connect_direct {
public:
    explicit HandleKeepingPolicy(const std::string& options) : connect_direct(options) {}
    handle do_startconnect(handle orig) override { return m_handle = connect_direct::do_startconnect(orig); }
    handle do_dropconnect(handle orig) noexcept override {
        m_handle = nullptr;
        return connect_direct::do_dropconnect(orig);
    }
    handle do_disconnect(handle orig) noexcept override {
        m_handle = nullptr;
        return connect_direct::do_disconnect(orig);
    }
    PGconn* current() const { return m_handle; }

private:
    PGconn* m_handle = nullptr;
};

// pqxx::connection (basic_connection_base<connect_direct>) with the policy above, built the same way.
class KeptHandleConnection final : public pqxx::connection_base {
public:
    explicit KeptHandleConnection(const std::string& options) : connection_base(m_policy), m_policy(options) { init(); }
    ~KeptHandleConnection() noexcept { close(); }
    PGconn* handle() const { return m_policy.current(); }

private:
    HandleKeepingPolicy m_policy;
};

// A result's values as PostgreSQL sends them, in text form, from libpqxx or from libpq alike.
struct PqxxCells {
    const pqxx::result& rows;
    std::size_t columns() const { return rows.columns(); }
    std::size_t size() const { return rows.size(); }
    unsigned type(std::size_t column) const { return rows.column_type(static_cast<pqxx::row::size_type>(column)); }
    std::string name(std::size_t column) const { return rows.column_name(static_cast<pqxx::row::size_type>(column)); }
    bool is_null(std::size_t row, std::size_t column) const { return rows[row][static_cast<pqxx::row::size_type>(column)].is_null(); }
    const char* text(std::size_t row, std::size_t column) const { return rows[row][static_cast<pqxx::row::size_type>(column)].c_str(); }
    std::size_t length(std::size_t row, std::size_t column) const { return rows[row][static_cast<pqxx::row::size_type>(column)].size(); }
};

struct LibpqCells {
    const PGresult* rows;
    std::size_t columns() const { return static_cast<std::size_t>(PQnfields(rows)); }
    std::size_t size() const { return static_cast<std::size_t>(PQntuples(rows)); }
    unsigned type(std::size_t column) const { return PQftype(rows, static_cast<int>(column)); }
    std::string name(std::size_t column) const { return PQfname(rows, static_cast<int>(column)); }
    bool is_null(std::size_t row, std::size_t column) const { return PQgetisnull(rows, static_cast<int>(row), static_cast<int>(column)) != 0; }
    const char* text(std::size_t row, std::size_t column) const { return PQgetvalue(rows, static_cast<int>(row), static_cast<int>(column)); }
    std::size_t length(std::size_t row, std::size_t column) const {
        return static_cast<std::size_t>(PQgetlength(rows, static_cast<int>(row), static_cast<int>(column)));
    }
};

// One value from its text form (NUL-terminated, as both libraries give it).
Value to_value(const char* text, std::size_t length, ValueKind kind) {
    switch (kind) {
        case ValueKind::integer: {
            long long number = 0;
            if (std::from_chars(text, text + length, number).ec == std::errc()) return Value::of_integer(number);
            return Value::of_text(ValueKind::numeric, std::string(text, length));
        }
        case ValueKind::floating: return Value::of_float(std::strtod(text, nullptr));  // also NaN, Infinity
        case ValueKind::boolean: return Value::of_boolean(length > 0 && text[0] == 't');
        case ValueKind::bytes: {
            std::size_t size = 0;
            unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
            if (bytes == nullptr) throw std::bad_alloc();
            Value value = Value::of_text(ValueKind::bytes, std::string(reinterpret_cast<const char*>(bytes), size));
            PQfreemem(bytes);
            return value;
        }
        default: return Value::of_text(kind, std::string(text, length));
    }
}

class PostgresDatabase final : public Database {
public:
    PostgresDatabase(const DatabaseUrl& url, const OpenOptions& options)
        : m_target(url.target), m_options(options), m_redacted(url.redacted), m_password(find_password(url.target)) {
        connect(options.connect_timeout_seconds);
    }

    void reconnect(int connect_timeout_seconds) override {
        m_connection.reset();
        m_other_type_names.clear();
        m_session_timeout = std::chrono::milliseconds(0);
        m_shared = SharedReadTransaction();
        connect(connect_timeout_seconds);
    }

    bool connection_lost() const override { return m_lost; }

    Engine engine() const override { return Engine::postgres; }
    const std::string& redacted_url() const override { return m_redacted; }

    QueryResult query(std::string_view sql) override {
        QueryResult result;
        pqxx::result rows;
        end_shared_reads();
        const auto started = std::chrono::steady_clock::now();
        check_usable();
        try {
            pqxx::nontransaction tx(*m_connection);
            rows = tx.exec(std::string(sql));
        } catch (const pqxx::sql_error& e) {
            if (is_server_side_failure(e.sqlstate())) {
                // A cancelled statement or a missing privilege leaves the session usable; a server going
                // away (57P01...) or a broken protocol does not.
                UnavailableError error("PostgreSQL refused the statement on " + m_redacted, clean(e.what()));
                if (is_connection_failure(e.sqlstate())) lose(std::move(error));
                throw error;
            }
            throw InputError("PostgreSQL statement failed on " + m_redacted, clean(e.what()));
        } catch (const pqxx::broken_connection& e) {
            lose(UnavailableError("lost the connection to PostgreSQL at " + m_redacted, clean(e.what())));
        } catch (const pqxx::failure& e) {
            lose(UnavailableError("PostgreSQL failure on " + m_redacted, clean(e.what())));
        }
        result.elapsed = std::chrono::steady_clock::now() - started;
        result.affected_rows = static_cast<std::int64_t>(rows.affected_rows());
        convert(rows, result);
        return result;
    }

    void execute(std::string_view sql) override { query(sql); }

    StatementOutcome query_read_only(std::string_view sql, std::chrono::milliseconds timeout) override {
        // One message, one round trip: a READ ONLY transaction (whatever an earlier statement did to the
        // session's defaults), the statement, and a rollback that undoes what a read-only transaction still
        // allows (lo_create(), set_config(), temporary tables), so no lock outlives the statement.
        use_timeout(timeout);
        end_shared_reads();
        std::array<PendingRead, 1> reads;
        reads[0].connection = m_connection->handle();
        read_only_everywhere(reads, sql, wait_limit(timeout));
        util::throw_if_interrupted("during a read");
        return finish(reads[0]);
    }

    std::pair<StatementOutcome, StatementOutcome> query_read_only_beside(Database& other, std::string_view sql,
                                                                         std::chrono::milliseconds timeout) override {
        auto* beside = dynamic_cast<PostgresDatabase*>(&other);
        if (beside == nullptr) return Database::query_read_only_beside(other, sql, timeout);
        use_timeout(timeout);
        beside->use_timeout(timeout);
        std::array<PendingRead, 2> reads;
        share_transaction(reads[0]);
        beside->share_transaction(reads[1]);
        read_only_everywhere(reads, sql, wait_limit(timeout));
        util::throw_if_interrupted("during a read");
        // Both finished before either failure is thrown, so each connection knows whether it was lost and
        // a failed statement's open transaction on the other side is rolled back.
        std::optional<StatementOutcome> mine, theirs;
        std::exception_ptr failure;
        try {
            mine = finish(reads[0]);
        } catch (const UnavailableError&) {
            failure = std::current_exception();
        }
        try {
            theirs = beside->finish(reads[1]);
        } catch (const UnavailableError&) {
            if (!failure) failure = std::current_exception();
        }
        if (failure) std::rethrow_exception(failure);
        return {std::move(*mine), std::move(*theirs)};
    }

    void end_shared_reads() override {
        if (!m_shared.open) return;
        m_shared.open = false;
        if (!m_lost && m_connection) execute("ROLLBACK");
    }

    StatementOutcome try_execute(std::string_view sql, std::chrono::milliseconds timeout) override {
        // A write may be a statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY), so it
        // goes alone, under the session's timeout.
        use_timeout(timeout);
        return outcome_of(std::string(sql));
    }

    void cancel() noexcept override {
        // libpq's cancel request only reads what the connection learnt at start-up (PQcancel is documented
        // as usable from another thread); a failed request leaves the statement running, nothing worse.
        try {
            m_connection->cancel_query();
        } catch (...) {
        }
    }

    void begin(bool read_only) override { execute(read_only ? "BEGIN READ ONLY" : "BEGIN"); }
    void commit() override { execute("COMMIT"); }
    void rollback() override { execute("ROLLBACK"); }

    std::string quote_identifier(std::string_view name) const override {
        if (name.find('\0') != std::string_view::npos) throw InputError("identifier contains a NUL byte");
        return m_connection->quote_name(std::string(name));
    }
    std::string quote_literal(std::string_view text) const override {
        if (text.find('\0') != std::string_view::npos) throw InputError("string literal contains a NUL byte");
        return m_connection->quote(std::string(text));
    }

private:
    void connect(int connect_timeout_seconds) {
        const std::string conninfo =
            with_application_name(with_connect_timeout(m_target, connect_timeout_seconds), m_options.application_name);
        try {
            m_connection = std::make_unique<KeptHandleConnection>(conninfo);
        } catch (const std::exception& e) {
            throw UnavailableError("cannot connect to PostgreSQL at " + m_redacted, clean(e.what()),
                                   "check the host, port, credentials and that the server is running");
        }
        // libpqxx would otherwise reconnect silently on the next statement after a loss, into a session
        // without the settings below; reconnect() is the only way back.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        m_connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
        m_lost = false;
        // A read-only session makes the server itself refuse writes, whatever the statement stream holds.
        if (m_options.read_only) execute("SET default_transaction_read_only = on");
    }

    // After a loss nothing runs on this connection until reconnect(): its session state is unknown.
    void check_usable() const {
        if (m_lost || !m_connection) {
            throw UnavailableError("the connection to PostgreSQL at " + m_redacted + " was lost and not reopened");
        }
    }

    [[noreturn]] void lose(UnavailableError error) {
        m_lost = true;
        throw std::move(error);
    }

    // The session's statement_timeout, set only when it changes. Reads cannot change it behind our back:
    // query_read_only rolls back whatever they set.
    void use_timeout(std::chrono::milliseconds timeout) {
        if (timeout == m_session_timeout) return;
        execute("SET statement_timeout = " + std::to_string(timeout.count()));
        m_session_timeout = timeout;
    }

    // How long a read may go without an answer before the server counts as gone: the statement's own
    // timeout (the server cancels it then) and some slack for the cancellation to come back.
    static std::chrono::milliseconds wait_limit(std::chrono::milliseconds timeout) {
        return timeout.count() > 0 ? timeout + std::chrono::seconds(10) : std::chrono::milliseconds(0);
    }

    // Fills in this connection's part of a read through query_read_only_beside: it joins the read-only
    // transaction an earlier read left open, or opens one, and ends it once it holds k_shared_reads reads or
    // has been open for k_shared_span.
    void share_transaction(PendingRead& read) {
        const auto now = std::chrono::steady_clock::now();
        read.connection = m_connection->handle();
        read.begin = !m_shared.open;
        if (read.begin) {
            m_shared.started = now;
            m_shared.reads = 0;
        }
        read.end = m_shared.reads + 1 >= k_shared_reads || now - m_shared.started >= k_shared_span;
        ++m_shared.reads;
    }

    // A read's outcome from what came back; a failed connection throws.
    StatementOutcome finish(PendingRead& read) {
        m_shared.open = false;
        if (!read.connection_failure.empty()) {
            lose(UnavailableError("lost the connection to PostgreSQL at " + m_redacted, clean(read.connection_failure)));
        }
        const bool statement_ok = read.result && (PQresultStatus(read.result.get()) == PGRES_TUPLES_OK ||
                                                  PQresultStatus(read.result.get()) == PGRES_COMMAND_OK);
        // A failed statement stopped the message before its ROLLBACK: the transaction is still open (aborted).
        // A read that succeeded may leave its transaction open for the next one on purpose.
        if (read.transaction_open && !statement_ok) execute("ROLLBACK");
        m_shared.open = read.transaction_open && statement_ok;
        StatementOutcome outcome;
        outcome.result.elapsed = read.elapsed;
        const PGresult* result = read.result.get();
        const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            const char* affected = PQcmdTuples(const_cast<PGresult*>(result));
            outcome.result.affected_rows = (affected && *affected) ? std::atoll(affected) : 0;
            convert(LibpqCells{result}, outcome.result);
            return outcome;
        }
        const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        outcome.ok = false;
        outcome.sqlstate = sqlstate ? sqlstate : "";
        outcome.error = primary_message(clean(result ? PQresultErrorMessage(result) : "the server returned no result"));
        if (is_connection_failure(outcome.sqlstate)) lose(UnavailableError("PostgreSQL failed on " + m_redacted, clean(outcome.error)));
        return outcome;
    }

    // Runs `sql` and returns its rows or its error; only failures of the connection or the server throw.
    StatementOutcome outcome_of(const std::string& sql) {
        end_shared_reads();
        StatementOutcome outcome;
        pqxx::result rows;
        const auto started = std::chrono::steady_clock::now();
        check_usable();
        try {
            pqxx::nontransaction tx(*m_connection);
            rows = tx.exec(sql);
        } catch (const pqxx::sql_error& e) {
            outcome.result.elapsed = std::chrono::steady_clock::now() - started;
            if (is_connection_failure(e.sqlstate())) {
                lose(UnavailableError("PostgreSQL failed on " + m_redacted, clean(e.what())));
            }
            outcome.ok = false;
            outcome.sqlstate = e.sqlstate();
            outcome.error = primary_message(clean(e.what()));
            return outcome;
        } catch (const pqxx::broken_connection& e) {
            lose(UnavailableError("lost the connection to PostgreSQL at " + m_redacted, clean(e.what())));
        } catch (const pqxx::failure& e) {
            lose(UnavailableError("PostgreSQL failure on " + m_redacted, clean(e.what())));
        }
        outcome.result.elapsed = std::chrono::steady_clock::now() - started;
        outcome.result.affected_rows = static_cast<std::int64_t>(rows.affected_rows());
        convert(rows, outcome.result);
        return outcome;
    }

    // The server or the connection, not the statement, failed: no outcome to compare. A cancelled statement
    // (57014, the timeout) and a missing privilege (42501) are the statement's own outcome.
    static bool is_connection_failure(const std::string& sqlstate) {
        const std::string sqlclass = sqlstate.substr(0, 2);
        return sqlclass == "08" || sqlclass == "53" || sqlclass == "58" || sqlclass == "XX" || sqlstate.starts_with("57P");
    }

    // "ERROR:  relation \"x\" does not exist\nLINE 1: ..." gives the message alone: the LINE and HINT lines
    // quote the text as sent, which a comparison of the two sides' errors must not depend on.
    static std::string primary_message(const std::string& message) {
        std::string line = message.substr(0, message.find('\n'));
        for (const std::string_view severity : {"ERROR:  ", "FATAL:  "}) {
            if (line.starts_with(severity)) line.erase(0, severity.size());
        }
        return line;
    }

    std::string clean(std::string message) const {
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        return util::redact_secret(util::redact_url(message), m_password);
    }

    void convert(const pqxx::result& rows, QueryResult& result) { convert(PqxxCells{rows}, result); }

    template <typename Cells>
    void convert(const Cells& cells, QueryResult& result) {
        const std::size_t column_count = cells.columns();
        std::vector<TypeInfo> types;
        for (std::size_t i = 0; i < column_count; ++i) {
            const TypeInfo type = type_info(cells.type(i));
            types.push_back(type);
            result.columns.push_back({cells.name(i), type.name});
        }
        const std::size_t row_count = cells.size();
        result.rows.reserve(row_count);
        for (std::size_t row = 0; row < row_count; ++row) {
            std::vector<Value> values;
            values.reserve(column_count);
            for (std::size_t i = 0; i < column_count; ++i) {
                values.push_back(cells.is_null(row, i) ? Value::null() : to_value(cells.text(row, i), cells.length(row, i), types[i].kind));
            }
            result.rows.push_back(std::move(values));
        }
    }

    TypeInfo type_info(unsigned oid) {
        if (auto it = builtin_types().find(oid); it != builtin_types().end()) return it->second;
        auto [it, inserted] = m_other_type_names.try_emplace(oid);
        if (inserted) {
            try {
                pqxx::nontransaction tx(*m_connection);
                const auto name = tx.exec("SELECT typname FROM pg_type WHERE oid = " + std::to_string(oid));
                it->second = name.empty() ? "oid:" + std::to_string(oid) : name[0][0].c_str();
            } catch (const std::exception&) {
                it->second = "oid:" + std::to_string(oid);  // e.g. inside an aborted transaction
            }
        }
        return {ValueKind::text, it->second.c_str()};
    }

    std::string m_target;  // the URL as given, for reconnect()
    OpenOptions m_options;
    std::unique_ptr<KeptHandleConnection> m_connection;
    bool m_lost = false;
    std::string m_redacted;
    std::string m_password;
    std::map<unsigned, std::string> m_other_type_names;  // std::map: node addresses stay valid for c_str()
    std::chrono::milliseconds m_session_timeout{0};  // the server's default until try_execute sets one

    // Reads sent through query_read_only_beside share a read-only transaction for up to k_shared_reads reads
    // or k_shared_span, whichever comes first: BEGIN and ROLLBACK then cost the server two statements per
    // batch rather than per read (about 8% of a point read's cost). The transaction stays READ ONLY
    // throughout (PostgreSQL refuses to change that after its first query), what a read sets with
    // set_config() lasts only until the batch's ROLLBACK, and the span bounds how long its ACCESS SHARE locks
    // outlive the read that took them. Anything else run on the connection ends the batch first.
    static constexpr int k_shared_reads = 64;
    static constexpr std::chrono::milliseconds k_shared_span{10};
    struct SharedReadTransaction {
        bool open = false;
        int reads = 0;
        std::chrono::steady_clock::time_point started;
    };
    SharedReadTransaction m_shared;
};

}  // namespace

std::unique_ptr<Database> open_postgres_database(const DatabaseUrl& url, const OpenOptions& options) {
    return std::make_unique<PostgresDatabase>(url, options);
}

std::vector<std::pair<std::string, std::string>> postgres_settings(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (options == nullptr) {
        const std::string reason = error ? util::redact_url(error) : "out of memory";
        PQfreemem(error);
        throw UsageError("malformed PostgreSQL connection string " + util::redact_url(conninfo), reason);
    }
    std::vector<std::pair<std::string, std::string>> settings;
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr || *option->val == '\0') continue;
        if (std::string_view(option->keyword) == "password" && std::string_view(option->val) == util::k_redacted) continue;
        settings.emplace_back(option->keyword, option->val);
    }
    PQconninfoFree(options);
    return settings;
}

namespace {

// key='value' pairs as libpq reads them: quotes and backslashes escaped.
std::string format_conninfo(const std::vector<std::pair<std::string, std::string>>& settings) {
    std::string out;
    for (const auto& [key, value] : settings) {
        out += (out.empty() ? "" : " ") + key + "='";
        for (const char c : value) {
            if (c == '\'' || c == '\\') out += '\\';
            out += c;
        }
        out += "'";
    }
    return out;
}

}  // namespace

std::string postgres_conninfo_for_database(const std::string& conninfo, const std::string& dbname) {
    auto settings = postgres_settings(conninfo);
    std::erase_if(settings, [](const auto& setting) { return setting.first == "dbname"; });
    settings.emplace_back("dbname", dbname);
    return format_conninfo(settings);
}

std::string postgres_database_name(const std::string& conninfo) {
    std::string user;
    for (const auto& [key, value] : postgres_settings(conninfo)) {
        if (key == "dbname") return value;
        if (key == "user") user = value;
    }
    if (user.empty()) {
        if (const char* env = std::getenv("PGDATABASE")) return env;
        if (const char* env = std::getenv("PGUSER")) return env;
    }
    return user;
}

namespace {

struct Connection {
    PGconn* handle = nullptr;
    std::string password;
    ~Connection() { PQfinish(handle); }

    std::string message() const {
        std::string text = PQerrorMessage(handle);
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        return util::redact_secret(util::redact_url(text), password);
    }
};

void connect(Connection& connection, const std::string& conninfo) {
    connection.password = find_password(conninfo);
    connection.handle = PQconnectdb(with_connect_timeout(conninfo, 10).c_str());
    if (PQstatus(connection.handle) != CONNECTION_OK) {
        throw UnavailableError("cannot connect to PostgreSQL at " + util::redact_url(conninfo), connection.message());
    }
}

void expect(Connection& connection, PGresult* result, ExecStatusType wanted, const std::string& what) {
    const bool ok = PQresultStatus(result) == wanted;
    PQclear(result);
    if (!ok) throw UnavailableError(what, connection.message());
}

}  // namespace

std::string postgres_connection_conninfo(const std::string& conninfo) {
    Connection connection;
    connect(connection, conninfo);
    // What libpq really used, including PG* variables and a password from PGPASSWORD or ~/.pgpass; only
    // what another server needs to reach this one (no local file paths, no client-only settings).
    static const std::string_view k_carried[] = {"host", "hostaddr", "port", "user", "password", "dbname", "sslmode", "options"};
    std::vector<std::pair<std::string, std::string>> settings;
    if (PQconninfoOption* options = PQconninfo(connection.handle)) {
        for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
            if (option->val == nullptr || *option->val == '\0') continue;
            for (const auto keyword : k_carried) {
                if (keyword == option->keyword) settings.emplace_back(option->keyword, option->val);
            }
        }
        PQconninfoFree(options);
    }
    return format_conninfo(settings);
}

std::int64_t copy_postgres_table(const std::string& from_conninfo, const std::string& to_conninfo, const std::string& table) {
    return PostgresTableCopier(from_conninfo, to_conninfo).copy(table);
}

struct PostgresTableCopier::Connections {
    Connection source;
    Connection target;
};

namespace {

// The server sends a COPY's rows one CopyData message each; passing them on in batches of this size costs
// one system call per batch instead of one per few rows.
constexpr std::size_t k_copy_batch_bytes = 256 * 1024;
// How many rows a COPY streams between looks at the interrupt flag.
constexpr std::int64_t k_interrupt_check_rows = 65536;

void run_command(Connection& connection, const std::string& sql, const std::string& what) {
    expect(connection, PQexec(connection.handle, sql.c_str()), PGRES_COMMAND_OK, what);
}

void send_batch(Connection& target, std::string& batch, const std::string& what) {
    if (batch.empty()) return;
    if (PQputCopyData(target.handle, batch.data(), static_cast<int>(batch.size())) != 1) throw UnavailableError(what, target.message());
    batch.clear();
}

// A finished command's last result, checked; libpq wants every result read before the next command.
std::int64_t finish_command(Connection& connection, const std::string& what) {
    PGresult* result = PQgetResult(connection.handle);
    const char* tuples = PQcmdTuples(result);
    const std::int64_t rows = tuples && *tuples ? std::stoll(tuples) : 0;
    expect(connection, result, PGRES_COMMAND_OK, what);
    while (PGresult* extra = PQgetResult(connection.handle)) PQclear(extra);
    return rows;
}

}  // namespace

PostgresTableCopier::PostgresTableCopier(const std::string& from_conninfo, const std::string& to_conninfo, const std::string& snapshot)
    : m_connections(std::make_unique<Connections>()) {
    connect(m_connections->source, from_conninfo);
    connect(m_connections->target, to_conninfo);
    Connection& source = m_connections->source;
    const std::string what = "cannot start reading rows from the primary";
    if (snapshot.empty()) {
        run_command(source, "SET default_transaction_read_only = on", what);
        return;
    }
    run_command(source, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", what);
    char* literal = PQescapeLiteral(source.handle, snapshot.c_str(), snapshot.size());
    if (literal == nullptr) throw UnavailableError(what, source.message());
    const std::string set_snapshot = std::string("SET TRANSACTION SNAPSHOT ") + literal;
    PQfreemem(literal);
    run_command(source, set_snapshot, what);
}

PostgresTableCopier::~PostgresTableCopier() = default;

std::int64_t PostgresTableCopier::copy(const std::string& table) {
    Connection& source = m_connections->source;
    Connection& target = m_connections->target;
    const std::string what = "cannot copy table " + table;
    expect(source, PQexec(source.handle, ("COPY " + table + " TO STDOUT (FORMAT binary)").c_str()), PGRES_COPY_OUT, what);
    expect(target, PQexec(target.handle, ("COPY " + table + " FROM STDIN (FORMAT binary)").c_str()), PGRES_COPY_IN, what);
    std::string batch;
    batch.reserve(2 * k_copy_batch_bytes);
    for (std::int64_t messages = 1;; ++messages) {
        char* buffer = nullptr;
        const int size = PQgetCopyData(source.handle, &buffer, 0);
        if (size == -1) break;
        if (size < 0) throw UnavailableError(what, source.message());
        batch.append(buffer, static_cast<std::size_t>(size));
        PQfreemem(buffer);
        if (batch.size() >= k_copy_batch_bytes) send_batch(target, batch, what);
        if (messages % k_interrupt_check_rows == 0 && util::interrupted()) {
            // The shadow's COPY fails and rolls back; the source's ends with its connection.
            PQputCopyEnd(target.handle, "interrupted");
            util::throw_if_interrupted("while copying rows");
        }
    }
    send_batch(target, batch, what);
    finish_command(source, what);
    if (PQputCopyEnd(target.handle, nullptr) != 1) throw UnavailableError(what, target.message());
    return finish_command(target, what);
}

}  // namespace schemaflip::db
