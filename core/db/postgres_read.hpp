// Internal to core/db: one read-only statement sent to several PostgreSQL connections at once over libpq,
// each connection's results collected as they arrive. libpqxx 6.4 can only wait on one connection at a time,
// and replay's throughput depends on keeping both servers busy together.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace schemaflip::db {

struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// One connection's part of a read.
struct PendingRead {
    PGconn* connection = nullptr;
    // Where the read sits in its connection's read-only transaction: `begin` opens one before the statement
    // (else an earlier read's is still open), `end` rolls it back after the statement.
    bool begin = true;
    bool end = true;
    // What came back: the statement's own result (rows or its error), or nothing when the connection failed.
    ResultPtr result;
    // libpq's message when the connection itself failed (sending, reading, or the deadline passed).
    std::string connection_failure;
    // A transaction is still open after the message: left open on purpose (!end), or aborted by the statement's
    // error (the server then skips the rest of the message), which needs a ROLLBACK before anything else.
    bool transaction_open = false;
    // From sending to the arrival of the connection's last result.
    std::chrono::steady_clock::duration elapsed{};
};

// Sends `sql` to every connection in one message, preceded by BEGIN READ ONLY and followed by ROLLBACK as each
// read's `begin` and `end` say, then waits for all of them together. `sql` must be one statement (replay
// parses it first); it is placed on lines of its own so a trailing -- comment cannot swallow the ROLLBACK. A connection that has sent nothing back within
// `wait_limit` (0: no limit) is given up as failed: statement_timeout normally ends a slow statement first,
// this only catches a server that stopped answering. When SIGINT or SIGTERM arrives under a
// util::InterruptGuard, the statements still running are cancelled and the wait ends with what came back:
// the caller checks util::interrupted() before using it.
void read_only_everywhere(std::span<PendingRead> reads, std::string_view sql, std::chrono::milliseconds wait_limit);

}  // namespace schemaflip::db
