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
// when a stage needs more reads than are left, again from its start.
struct Walk {
    std::uint64_t begin = 0;  // first position looked at
    std::uint64_t end = 0;    // one past the last
    std::vector<std::uint64_t> routed;  // positions routed to the shadow, ascending
};

// Walks from `begin` until `wanted` positions are routed and the walk has reached `reach` (the last stage
// reaches the end of the stream, so that it covers the rest of it), but never to `bound` or beyond.
Walk walk(std::uint64_t seed, double percent, std::uint64_t begin, std::uint64_t wanted, std::uint64_t reach,
          std::uint64_t bound);

// FNV-1a of the routed positions in hex: equal digests, equal routing.
std::string routing_digest(const std::vector<std::uint64_t>& positions);

}  // namespace schemaflip::replay
