// The deterministic traffic splitter: a hash of the seed and a read's position in the walk over the query
// stream decides whether the read goes to the shadow, so the same inputs give the same routing whatever
// the number of jobs or the speed of the databases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace schemaflip::replay {

// True when the read at walk position `position` is routed to the shadow in a stage of `percent`:
// splitmix64(seed, position) as a fraction in [0, 1), below percent / 100.
bool routes_to_shadow(std::uint64_t seed, std::uint64_t position, double percent);

// One stretch of the walk. Position p is the read stream[p mod N]: the stream is walked in order and,
// when a stage needs more reads than are left, again from its start. A Walker walks from `begin` until
// `wanted` positions are routed and the walk has reached `reach` (the last stage reaches the end of the
// stream, so that it covers the rest of it), but never to `bound` or beyond, handing out the routed
// positions a few at a time, so a walk over millions of reads holds only those in hand.
class Walker {
public:
    Walker(std::uint64_t seed, double percent, std::uint64_t begin, std::uint64_t wanted, std::uint64_t reach,
           std::uint64_t bound)
        : m_seed(seed), m_percent(percent), m_position(begin), m_wanted(wanted), m_reach(reach), m_bound(bound) {}
    // The next routed positions, at most `limit`, ascending; empty once the walk is over.
    std::vector<std::uint64_t> next(std::size_t limit);
    // One past the last position looked at so far (the walk's end once next() came back empty).
    std::uint64_t position() const { return m_position; }

private:
    std::uint64_t m_seed;
    double m_percent;
    std::uint64_t m_position;
    std::uint64_t m_wanted;
    std::uint64_t m_reach;
    std::uint64_t m_bound;
    std::uint64_t m_routed = 0;
};

// FNV-1a of the routed positions in hex: equal digests, equal routing. Positions are added as they are
// routed.
class RoutingDigest {
public:
    void add(std::uint64_t position);
    std::string hex() const;

private:
    std::uint64_t m_hash = 14695981039346656037ULL;
};

}  // namespace schemaflip::replay
