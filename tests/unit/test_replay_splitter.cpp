// The traffic splitter: routing is a pure function of seed and position, close to the stage's share, and
// the walk over the stream stops where its contract says.
#include <doctest/doctest.h>

#include "core/replay/splitter.hpp"

using namespace schemaflip::replay;

TEST_CASE("routing depends only on seed and position, and follows the stage's share") {
    std::uint64_t routed = 0;
    std::uint64_t differ = 0;
    for (std::uint64_t position = 0; position < 100000; ++position) {
        const bool first = routes_to_shadow(7, position, 25.0);
        CHECK(first == routes_to_shadow(7, position, 25.0));
        if (first) ++routed;
        if (first != routes_to_shadow(8, position, 25.0)) ++differ;
    }
    // 25% of 100000 with a binomial standard deviation of about 137: 24000..26000 is over 7 deviations.
    CHECK(routed > 24000);
    CHECK(routed < 26000);
    // Another seed routes another set: two independent 25% draws differ on 37.5% of positions.
    CHECK(differ > 30000);
    for (std::uint64_t position = 0; position < 1000; ++position) {
        CHECK(routes_to_shadow(7, position, 100.0));
        // A share only admits positions a larger one admits too (the fraction is compared with it).
        if (routes_to_shadow(7, position, 5.0)) CHECK(routes_to_shadow(7, position, 50.0));
    }
}

namespace {

struct Walk {
    std::uint64_t end = 0;
    std::vector<std::uint64_t> routed;
};

// The whole walk, taken `piece` positions at a time.
Walk walk(std::uint64_t seed, double percent, std::uint64_t begin, std::uint64_t wanted, std::uint64_t reach,
          std::uint64_t bound, std::size_t piece = 7) {
    Walker walker(seed, percent, begin, wanted, reach, bound);
    Walk result;
    for (auto part = walker.next(piece); !part.empty(); part = walker.next(piece)) {
        CHECK(part.size() <= piece);
        result.routed.insert(result.routed.end(), part.begin(), part.end());
    }
    result.end = walker.position();
    return result;
}

std::string routing_digest(const std::vector<std::uint64_t>& positions) {
    RoutingDigest digest;
    for (const auto position : positions) digest.add(position);
    return digest.hex();
}

}  // namespace

TEST_CASE("a walk routes its sample, reaches its end point, and never passes the bound") {
    SUBCASE("stops at the sample when nothing further is required") {
        const Walk stretch = walk(1, 100.0, 10, 5, 0, 1000);
        CHECK(stretch.end == 15);
        CHECK(stretch.routed == std::vector<std::uint64_t>{10, 11, 12, 13, 14});
    }
    SUBCASE("goes on to the point it must reach (the last stage covers the rest of the stream)") {
        const Walk stretch = walk(1, 100.0, 10, 5, 40, 1000);
        CHECK(stretch.end == 40);
        CHECK(stretch.routed.size() == 30);
    }
    SUBCASE("a bound cuts the sample short") {
        const Walk stretch = walk(1, 1.0, 0, 50, 0, 300);
        CHECK(stretch.end == 300);
        CHECK(stretch.routed.size() < 50);
        for (const auto position : stretch.routed) CHECK(routes_to_shadow(1, position, 1.0));
    }
    SUBCASE("every routed position is one the splitter routes, and no other") {
        const Walk stretch = walk(3, 30.0, 100, 40, 0, 100000);
        std::vector<std::uint64_t> expected;
        for (std::uint64_t p = 100; p < stretch.end; ++p) {
            if (routes_to_shadow(3, p, 30.0)) expected.push_back(p);
        }
        CHECK(stretch.routed == expected);
        CHECK(stretch.routed.size() == 40);
        CHECK(stretch.routed.back() == stretch.end - 1);
    }
    SUBCASE("handed out in pieces of any size, the walk is the same") {
        const Walk whole = walk(5, 12.5, 3, 300, 2000, 100000, 1000000);
        for (const std::size_t piece : {1, 2, 64, 512}) {
            const Walk pieces = walk(5, 12.5, 3, 300, 2000, 100000, piece);
            CHECK(pieces.routed == whole.routed);
            CHECK(pieces.end == whole.end);
        }
    }
}

TEST_CASE("routing digests tell routings apart") {
    CHECK(routing_digest({1, 2, 3}) == routing_digest({1, 2, 3}));
    CHECK(routing_digest({1, 2, 3}) != routing_digest({1, 2, 4}));
    CHECK(routing_digest({}) != routing_digest({0}));
    CHECK(routing_digest({}).size() == 16);
}
