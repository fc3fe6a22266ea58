// read_only_everywhere(): one message per connection, then one poll() over all of them.
#include "core/db/postgres_read.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "core/util/interrupt.hpp"

namespace schemaflip::db {
namespace {

using Clock = std::chrono::steady_clock;

// Where one connection is in the message: BEGIN's result (when it begins), the statement's, then ROLLBACK's
// (when it ends).
struct Progress {
    PendingRead* read = nullptr;
    int results = 0;
    bool done = false;
    int statement_index() const { return read->begin ? 1 : 0; }
};

void fail(Progress& progress, std::string message) {
    progress.read->connection_failure = message.empty() ? "the server closed the connection" : std::move(message);
    progress.read->result.reset();
    progress.done = true;
}

void take_result(Progress& progress, PGresult* raw) {
    ResultPtr result(raw);
    const ExecStatusType status = PQresultStatus(result.get());
    const bool failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
    const int index = progress.results++;
    if (index < progress.statement_index() && !failed) {
        progress.read->transaction_open = true;  // BEGIN READ ONLY
    } else if (index == progress.statement_index() || failed) {
        // The statement's own result; an error (the server then skips the rest of the message) also lands here.
        if (!progress.read->result) progress.read->result = std::move(result);
    } else {
        progress.read->transaction_open = false;  // ROLLBACK
    }
}

// Takes every result libpq already holds; marks the connection done when its last one has come.
void drain(Progress& progress, Clock::time_point started) {
    PGconn* connection = progress.read->connection;
    while (!progress.done && PQisBusy(connection) == 0) {
        PGresult* result = PQgetResult(connection);
        if (result == nullptr) {
            progress.done = true;
            progress.read->elapsed = Clock::now() - started;
            return;
        }
        const ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
            PQclear(result);
            fail(progress, "the statement started a COPY, which replay does not run");
            return;
        }
        take_result(progress, result);
    }
}

// How often a wait looks at the interrupt flag: a signal interrupts poll() only on the thread it is
// delivered to, and replay waits on several threads.
constexpr long long k_interrupt_check_ms = 100;

// Milliseconds poll() may wait: until the limit, and never longer than the interrupt check.
int poll_timeout(Clock::time_point deadline, bool limited) {
    if (!limited) return static_cast<int>(k_interrupt_check_ms);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, k_interrupt_check_ms));
}

// Asks the server to stop the statement; its error then ends the message and the wait.
void cancel(PGconn* connection) {
    PGcancel* request = PQgetCancel(connection);
    if (request == nullptr) return;
    char error[256];
    PQcancel(request, error, sizeof error);
    PQfreeCancel(request);
}

std::string message_for(const PendingRead& read, std::string_view sql) {
    std::string message = read.begin ? "BEGIN READ ONLY;\n" : "";
    message.append(sql);
    if (read.end) message.append("\n;\nROLLBACK");
    return message;
}

}  // namespace

void read_only_everywhere(std::span<PendingRead> reads, std::string_view sql, std::chrono::milliseconds wait_limit) {
    const Clock::time_point started = Clock::now();
    const bool limited = wait_limit.count() > 0;
    const Clock::time_point deadline = started + wait_limit;
    std::vector<Progress> progress;
    for (PendingRead& read : reads) {
        PendingRead fresh;
        fresh.connection = read.connection;
        fresh.begin = read.begin;
        fresh.end = read.end;
        fresh.transaction_open = !read.begin;  // an earlier read's transaction
        read = std::move(fresh);
        progress.push_back({&read});
        if (PQsendQuery(read.connection, message_for(read, sql).c_str()) == 0) fail(progress.back(), PQerrorMessage(read.connection));
    }

    std::vector<pollfd> sockets;
    std::vector<Progress*> waiting;
    bool cancelled = false;
    for (;;) {
        sockets.clear();
        waiting.clear();
        for (Progress& each : progress) {
            if (!each.done) drain(each, started);
            if (each.done) continue;
            sockets.push_back({PQsocket(each.read->connection), POLLIN, 0});
            waiting.push_back(&each);
        }
        if (waiting.empty()) return;
        if (util::interrupted() && !cancelled) {
            // The caller throws InterruptedError once the servers have given up the statement.
            for (Progress* each : waiting) cancel(each->read->connection);
            cancelled = true;
        }
        const int ready = poll(sockets.data(), sockets.size(), poll_timeout(deadline, limited));
        if (ready < 0 && errno == EINTR) continue;  // a signal: its handler has set the interrupt flag
        if (ready == 0 && (!limited || Clock::now() < deadline)) continue;
        if (ready <= 0) {
            for (Progress* each : waiting) fail(*each, ready == 0 ? "the server sent no answer in time" : "poll() failed");
            return;
        }
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            if (sockets[i].revents == 0) continue;
            if (PQconsumeInput(waiting[i]->read->connection) == 0) fail(*waiting[i], PQerrorMessage(waiting[i]->read->connection));
        }
    }
}

}  // namespace schemaflip::db
