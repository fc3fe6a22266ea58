// A watchdog thread per blocking statement: it polls the interrupt flag and the clock, and asks the server
// to cancel (repeatedly, since a cancel that arrives before the statement starts is lost).
#include "core/shadow/statement_watch.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/util/error.hpp"
#include "core/util/interrupt.hpp"

namespace schemaflip::shadow {
namespace {

constexpr auto k_poll = std::chrono::milliseconds(50);
constexpr auto k_cancel_again = std::chrono::milliseconds(500);

[[noreturn]] void throw_timeout(const std::string& what, int timeout_seconds) {
    throw UnavailableError(what + " timed out after " + std::to_string(timeout_seconds) + " s",
                           "the server did not get there in time; everything created so far is removed",
                           "raise --sync-timeout, or look at the servers' logs for what holds it up");
}

class Watchdog {
public:
    Watchdog(db::Database& database, std::optional<Clock::time_point> deadline)
        : m_database(database), m_deadline(deadline), m_thread([this] { watch(); }) {}
    ~Watchdog() {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    bool timed_out() const { return m_timed_out.load(); }

private:
    void watch() {
        std::unique_lock lock(m_mutex);
        std::optional<Clock::time_point> last_cancel;
        while (!m_wake.wait_for(lock, k_poll, [this] { return m_stop; })) {
            const auto now = Clock::now();
            const bool late = m_deadline && now >= *m_deadline;
            if (!late && !util::interrupted()) continue;
            if (late) m_timed_out = true;
            if (!last_cancel || now - *last_cancel >= k_cancel_again) {
                m_database.cancel();
                last_cancel = now;
            }
        }
    }

    db::Database& m_database;
    std::optional<Clock::time_point> m_deadline;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::atomic<bool> m_timed_out{false};
    std::thread m_thread;  // last: it starts once the members it reads exist
};

}  // namespace

db::QueryResult run_watched(db::Database& database, std::string_view sql, std::optional<Clock::time_point> deadline,
                            const std::string& what, int timeout_seconds) {
    util::throw_if_interrupted(("before " + what).c_str());
    bool timed_out = false;
    try {
        Watchdog watchdog(database, deadline);
        try {
            return database.query(sql);
        } catch (...) {
            timed_out = watchdog.timed_out();
            throw;
        }
    } catch (const Error&) {
        util::throw_if_interrupted(("during " + what).c_str());
        if (timed_out) throw_timeout(what, timeout_seconds);
        throw;
    }
}

void pause_or_throw(std::chrono::milliseconds interval, Clock::time_point deadline, const std::string& what,
                    int timeout_seconds) {
    const auto until = std::min(Clock::now() + interval, deadline);
    while (Clock::now() < until) {
        util::throw_if_interrupted(("while waiting for " + what).c_str());
        std::this_thread::sleep_for(std::min<Clock::duration>(k_poll, until - Clock::now()));
    }
    util::throw_if_interrupted(("while waiting for " + what).c_str());
    if (Clock::now() >= deadline) throw_timeout(what, timeout_seconds);
}

}  // namespace schemaflip::shadow
