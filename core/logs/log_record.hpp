// One primary PostgreSQL log record (one elog() call) with its secondary lines folded in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace schemaflip::logs {

// Readers fill a reused LogRecord (clear() keeps capacity), so steady-state reading allocates nothing.
struct LogRecord {
    std::string source;           // file name
    std::uint64_t line = 0;       // first physical line of the record
    std::optional<std::int64_t> time_ms;  // Unix epoch milliseconds, UTC, when the record has a time
    std::string session;          // pid or session id: pairs a bare `duration:` with its `statement:`
    std::string user;
    std::string database;
    std::string application;
    std::string severity;         // LOG, ERROR, FATAL, PANIC, WARNING, NOTICE, INFO, DEBUG1.., STATEMENT never
    std::string sqlstate;         // when the format has it
    std::string message;          // primary message; continuation lines joined with '\n'
    std::string detail;           // DETAIL text (csv/json: the detail column)
    std::string statement;        // STATEMENT line text (csv/json: the query column)

    // Inputs that are statements rather than server records (.sql files, JSON lines) set this: the
    // message is then the SQL itself, with an optional duration.
    bool plain_statement = false;
    std::optional<double> plain_duration_ms;

    void clear();
};

}  // namespace schemaflip::logs
