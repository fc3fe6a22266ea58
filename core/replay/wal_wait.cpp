// WalWait: the primary's WAL position after a read, the bounded wait for the shadow's slot to reach it, and
// the bounded wait for the primary's writers to end.
#include "core/replay/wal_wait.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include "core/util/error.hpp"

namespace schemaflip::replay {

std::optional<std::uint64_t> parse_lsn(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= text.size()) return std::nullopt;
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    const auto high_end = text.data() + slash;
    const auto [high_ptr, high_error] = std::from_chars(text.data(), high_end, high, 16);
    const auto [low_ptr, low_error] = std::from_chars(high_end + 1, text.data() + text.size(), low, 16);
    if (high_error != std::errc{} || low_error != std::errc{} || high_ptr != high_end || low_ptr != text.data() + text.size() ||
        high > 0xffffffffULL || low > 0xffffffffULL) {
        return std::nullopt;
    }
    return (high << 32) | low;
}

WalWait::WalWait(std::string slot, std::chrono::milliseconds limit, std::chrono::milliseconds settle_limit)
    : m_slot(std::move(slot)), m_limit(limit), m_settle_limit(settle_limit) {}

namespace {

std::uint64_t lsn_of(const db::QueryResult& rows, const std::string& what) {
    if (rows.rows.empty() || rows.rows.front().empty()) throw UnavailableError(what);
    const auto position = parse_lsn(db::value_text(rows.rows.front().front()));
    if (!position) throw UnavailableError(what, "not a WAL position: " + db::value_text(rows.rows.front().front()));
    return *position;
}

// The pauses between two looks at the primary: 1 ms, then twice as long each time up to 20 ms, until the
// limit has passed.
class Backoff {
public:
    explicit Backoff(std::chrono::milliseconds limit) : m_deadline(std::chrono::steady_clock::now() + limit) {}
    // Sleeps for the next pause; false, at once, when the limit has passed.
    bool pause() {
        if (std::chrono::steady_clock::now() >= m_deadline) return false;
        std::this_thread::sleep_for(m_pause);
        m_pause = std::min(m_pause * 2, std::chrono::milliseconds(20));
        return true;
    }

private:
    std::chrono::steady_clock::time_point m_deadline;
    std::chrono::milliseconds m_pause{1};
};

}  // namespace

std::uint64_t WalWait::current_position(db::Database& primary) const {
    return lsn_of(primary.query("SELECT pg_current_wal_lsn()::text"), "cannot read the primary's WAL position");
}

std::uint64_t WalWait::confirmed(db::Database& primary) const {
    return lsn_of(primary.query("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = " +
                                primary.quote_literal(m_slot)),
                  "the shadow's replication slot " + m_slot + " is gone from the primary");
}

std::vector<std::uint64_t> WalWait::writers(db::Database& primary) {
    // pg_stat_activity's backend_xid is shown to every role, and it is cleared only once the commit shows.
    const auto rows = primary.query("SELECT backend_xid::text::bigint FROM pg_stat_activity WHERE backend_xid IS NOT NULL");
    std::vector<std::uint64_t> running;
    const std::lock_guard lock(m_long_running_mutex);
    for (const auto& row : rows.rows) {
        const auto xid = static_cast<std::uint64_t>(db::value_integer(row.at(0)));
        if (m_long_running.count(xid) == 0) running.push_back(xid);
    }
    return running;
}

void WalWait::wait_for_writers(db::Database& primary) {
    std::vector<std::uint64_t> waiting = writers(primary);
    Backoff backoff(m_settle_limit);
    while (!waiting.empty()) {
        if (!backoff.pause()) {
            const std::lock_guard lock(m_long_running_mutex);
            m_long_running.insert(waiting.begin(), waiting.end());
            return;
        }
        // An id is not reused within the wait: one still listed is the same transaction.
        const std::vector<std::uint64_t> now = writers(primary);
        std::erase_if(waiting, [&now](std::uint64_t xid) { return std::find(now.begin(), now.end(), xid) == now.end(); });
    }
}

bool WalWait::wait_for(db::Database& primary, std::uint64_t position) {
    if (m_confirmed.load() >= position) return true;
    Backoff backoff(m_limit);
    for (;;) {
        const std::uint64_t seen = confirmed(primary);
        std::uint64_t known = m_confirmed.load();
        while (seen > known && !m_confirmed.compare_exchange_weak(known, seen)) {
        }
        if (seen >= position) return true;
        if (!backoff.pause()) return false;
    }
}

}  // namespace schemaflip::replay
