// WalWait's WAL positions and its wait for the primary's writers, on a real server.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "core/db/database.hpp"
#include "core/replay/wal_wait.hpp"
#include "support/test_support.hpp"

using namespace schemaflip;
using replay::parse_lsn;

TEST_CASE("WAL positions are read from their text, and anything else is refused") {
    CHECK(parse_lsn("16/B374D848") == ((0x16ULL << 32) | 0xB374D848ULL));
    CHECK(parse_lsn("0/0") == 0U);
    for (const char* bad : {"", "/", "16/", "/B3", "16B374D848", "1/2/3", "x/1", "100000000/0", "-1/0"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_lsn(bad));
    }
}

TEST_CASE("wait_for_writers returns once the primary's writers have committed, and waits for a long one only once") {
    const auto admin = test::postgres_url();
    if (!admin) return;
    test::ScratchPostgresDatabase scratch(*admin);
    auto reader = db::open_database(scratch.url());
    reader->execute("CREATE TABLE counter (value integer)");
    reader->execute("INSERT INTO counter VALUES (0)");
    const auto value = [&reader] { return db::value_integer(reader->query("SELECT value FROM counter").rows.at(0).at(0)); };
    auto writer = db::open_database(scratch.url());

    SUBCASE("a writer that commits a moment later: a read after the wait sees its commit") {
        replay::WalWait wal("unused_slot", std::chrono::milliseconds(5000), std::chrono::milliseconds(10000));
        writer->begin();
        writer->execute("UPDATE counter SET value = 1");
        std::thread committer([&writer] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            writer->commit();
        });
        wal.wait_for_writers(*reader);
        // Without the wait this read comes about 300 ms before the commit and sees 0.
        CHECK(value() == 1);
        committer.join();
    }
    SUBCASE("a writer that stays open past the settle limit is a long one: waited for once, then no more") {
        const auto settle_limit = std::chrono::milliseconds(2000);
        replay::WalWait wal("unused_slot", std::chrono::milliseconds(5000), settle_limit);
        writer->begin();
        writer->execute("UPDATE counter SET value = 1");
        const auto first_started = std::chrono::steady_clock::now();
        wal.wait_for_writers(*reader);
        CHECK(std::chrono::steady_clock::now() - first_started >= settle_limit);
        const auto second_started = std::chrono::steady_clock::now();
        wal.wait_for_writers(*reader);
        // Only a writer of another test that starts now and runs for 2 s could make this one wait as long.
        CHECK(std::chrono::steady_clock::now() - second_started < settle_limit);
        CHECK(value() == 0);
        writer->rollback();
    }
}
