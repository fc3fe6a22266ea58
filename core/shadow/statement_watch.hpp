// Runs a server call that may block for long (a slot waiting for old transactions, a table rewrite) so that
// SIGINT/SIGTERM or a deadline cancels it on the server instead of waiting for it to end.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/db/database.hpp"

namespace schemaflip::shadow {

using Clock = std::chrono::steady_clock;

// Runs `sql` on `database` while a watchdog thread cancels it (Database::cancel) once util::interrupted()
// or `deadline` passes. Then throws InterruptedError (exit 130), or UnavailableError (exit 4) saying
// that `what` timed out after `timeout_seconds`; other failures are rethrown as they are.
db::QueryResult run_watched(db::Database& database, std::string_view sql, std::optional<Clock::time_point> deadline,
                            const std::string& what, int timeout_seconds);

// Sleeps about `interval`, then throws InterruptedError when a signal arrived, or UnavailableError when
// `deadline` has passed (`what` timed out after `timeout_seconds`). The poll of every wait loop.
void pause_or_throw(std::chrono::milliseconds interval, Clock::time_point deadline, const std::string& what, int timeout_seconds);

}  // namespace schemaflip::shadow
