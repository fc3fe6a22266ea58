// Logically synced shadows: a read is compared only once the shadow has applied the primary's WAL up to
// the position taken just after the primary's read, so the shadow holds every commit that read saw.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"

namespace schemaflip::replay {

// A pg_lsn's text ("16/B374D848") as the 64-bit position it stands for.
std::optional<std::uint64_t> parse_lsn(std::string_view text);

// Shared by the workers: the slot's confirmed position only grows, so one worker's look serves them all.
class WalWait {
public:
    // `slot`: the shadow's logical replication slot on the primary's server (its subscription confirms
    // there what it has applied).
    // `settle_limit`: how long wait_for_writers waits for one transaction before taking it as a long one.
    WalWait(std::string slot, std::chrono::milliseconds limit,
            std::chrono::milliseconds settle_limit = std::chrono::milliseconds(1000));

    // pg_current_wal_lsn() on the primary: the WAL written so far, which holds every commit a read can see
    // (with synchronous_commit on, a commit becomes visible only once its WAL is flushed).
    std::uint64_t current_position(db::Database& primary) const;
    // Polls the slot's confirmed_flush_lsn on the primary until it reaches `position`; false when the limit
    // passes first (the read is then lagged, not compared). Throws UnavailableError when the slot is gone.
    bool wait_for(db::Database& primary, std::uint64_t position);
    // Waits until the transactions writing on the primary now have ended, so that a read after it shows
    // every commit the shadow may already hold. A commit reaches the WAL, and so the subscriber, a moment
    // before the primary shows it to other sessions; on a loaded machine the committing backend can be
    // descheduled in that moment for many reads. A transaction still running after the settle limit is a
    // long one, not a commit on its way, and is not waited for again in this run.
    void wait_for_writers(db::Database& primary);

private:
    std::uint64_t confirmed(db::Database& primary) const;
    // The transaction ids of the primary's writers now, less those known to be long ones.
    std::vector<std::uint64_t> writers(db::Database& primary);

    std::string m_slot;
    std::chrono::milliseconds m_limit;
    std::chrono::milliseconds m_settle_limit;
    std::atomic<std::uint64_t> m_confirmed{0};
    std::mutex m_long_running_mutex;
    std::set<std::uint64_t> m_long_running;
};

}  // namespace schemaflip::replay
