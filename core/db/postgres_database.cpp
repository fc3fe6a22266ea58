// PostgreSQL backend over libpqxx 6.4: autocommit statements, explicit transactions, typed results.
#include "core/db/postgres_database.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <pqxx/pqxx>

#include "core/util/error.hpp"
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

class PostgresDatabase final : public Database {
public:
    PostgresDatabase(const DatabaseUrl& url, const OpenOptions& options)
        : m_redacted(url.redacted), m_password(find_password(url.target)) {
        try {
            m_connection = std::make_unique<pqxx::connection>(with_connect_timeout(url.target, options.connect_timeout_seconds));
        } catch (const std::exception& e) {
            throw UnavailableError("cannot connect to PostgreSQL at " + m_redacted, clean(e.what()),
                                   "check the host, port, credentials and that the server is running");
        }
        // A read-only session makes the server itself refuse writes, whatever the statement stream holds.
        if (options.read_only) execute("SET default_transaction_read_only = on");
    }

    Engine engine() const override { return Engine::postgres; }
    const std::string& redacted_url() const override { return m_redacted; }

    QueryResult query(std::string_view sql) override {
        QueryResult result;
        pqxx::result rows;
        const auto started = std::chrono::steady_clock::now();
        try {
            pqxx::nontransaction tx(*m_connection);
            rows = tx.exec(std::string(sql));
        } catch (const pqxx::sql_error& e) {
            if (is_server_side_failure(e.sqlstate())) {
                throw UnavailableError("PostgreSQL refused the statement on " + m_redacted, clean(e.what()));
            }
            throw InputError("PostgreSQL statement failed on " + m_redacted, clean(e.what()));
        } catch (const pqxx::broken_connection& e) {
            throw UnavailableError("lost the connection to PostgreSQL at " + m_redacted, clean(e.what()));
        } catch (const pqxx::failure& e) {
            throw UnavailableError("PostgreSQL failure on " + m_redacted, clean(e.what()));
        }
        result.elapsed = std::chrono::steady_clock::now() - started;
        result.affected_rows = static_cast<std::int64_t>(rows.affected_rows());
        convert(rows, result);
        return result;
    }

    void execute(std::string_view sql) override { query(sql); }

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
    std::string clean(std::string message) const {
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        return util::redact_secret(util::redact_url(message), m_password);
    }

    void convert(const pqxx::result& rows, QueryResult& result) {
        const auto column_count = rows.columns();
        std::vector<TypeInfo> types;
        for (pqxx::row::size_type i = 0; i < column_count; ++i) {
            const TypeInfo type = type_info(rows.column_type(i));
            types.push_back(type);
            result.columns.push_back({rows.column_name(i), type.name});
        }
        result.rows.reserve(rows.size());
        for (const auto& row : rows) {
            std::vector<Value> values;
            values.reserve(column_count);
            for (pqxx::row::size_type i = 0; i < column_count; ++i) values.push_back(to_value(row[i], types[i].kind));
            result.rows.push_back(std::move(values));
        }
    }

    static Value to_value(const pqxx::field& field, ValueKind kind) {
        if (field.is_null()) return Value::null();
        switch (kind) {
            case ValueKind::integer: return Value::of_integer(field.as<long long>());
            case ValueKind::floating: return Value::of_float(field.as<double>());
            case ValueKind::boolean: return Value::of_boolean(field.as<bool>());
            case ValueKind::bytes: {
                const pqxx::binarystring bytes(field);
                return Value::of_text(ValueKind::bytes, bytes.str());
            }
            default: return Value::of_text(kind, std::string(field.c_str(), field.size()));
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

    std::unique_ptr<pqxx::connection> m_connection;
    std::string m_redacted;
    std::string m_password;
    std::map<unsigned, std::string> m_other_type_names;  // std::map: node addresses stay valid for c_str()
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

std::string postgres_conninfo_for_database(const std::string& conninfo, const std::string& dbname) {
    const auto quote = [](const std::string& value) {
        std::string out = "'";
        for (const char c : value) {
            if (c == '\'' || c == '\\') out += '\\';
            out += c;
        }
        return out + "'";
    };
    std::string out;
    for (const auto& [key, value] : postgres_settings(conninfo)) {
        if (key != "dbname") out += key + "=" + quote(value) + " ";
    }
    return out + "dbname=" + quote(dbname);
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

std::int64_t copy_postgres_table(const std::string& from_conninfo, const std::string& to_conninfo, const std::string& table) {
    Connection source;
    Connection target;
    connect(source, from_conninfo);
    connect(target, to_conninfo);
    const std::string what = "cannot copy table " + table;
    expect(source, PQexec(source.handle, "SET default_transaction_read_only = on"), PGRES_COMMAND_OK, what);
    expect(source, PQexec(source.handle, ("COPY " + table + " TO STDOUT (FORMAT binary)").c_str()), PGRES_COPY_OUT, what);
    expect(target, PQexec(target.handle, ("COPY " + table + " FROM STDIN (FORMAT binary)").c_str()), PGRES_COPY_IN, what);
    for (;;) {
        char* buffer = nullptr;
        const int size = PQgetCopyData(source.handle, &buffer, 0);
        if (size == -1) break;
        if (size < 0) throw UnavailableError(what, source.message());
        const int sent = PQputCopyData(target.handle, buffer, size);
        PQfreemem(buffer);
        if (sent != 1) throw UnavailableError(what, target.message());
    }
    expect(source, PQgetResult(source.handle), PGRES_COMMAND_OK, what);
    if (PQputCopyEnd(target.handle, nullptr) != 1) throw UnavailableError(what, target.message());
    PGresult* done = PQgetResult(target.handle);
    const char* tuples = PQcmdTuples(done);
    const std::int64_t rows = tuples && *tuples ? std::stoll(tuples) : 0;
    expect(target, done, PGRES_COMMAND_OK, what);
    return rows;
}

}  // namespace schemaflip::db
