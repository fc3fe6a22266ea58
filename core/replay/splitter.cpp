// The traffic splitter: splitmix64 routing and the walk over the query stream.
#include "core/replay/splitter.hpp"

#include <cstdio>

namespace schemaflip::replay {
namespace {

// splitmix64's finaliser (Steele, Lea, Flood 2014): every input bit reaches every output bit.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

bool routes_to_shadow(std::uint64_t seed, std::uint64_t position, double percent) {
    if (percent >= 100.0) return true;
    // 53 bits make an exact double in [0, 1).
    const double fraction = static_cast<double>(mix(seed ^ mix(position)) >> 11) * 0x1.0p-53;
    return fraction * 100.0 < percent;
}

std::vector<std::uint64_t> Walker::next(std::size_t limit) {
    std::vector<std::uint64_t> routed;
    while (routed.size() < limit && m_position < m_bound && (m_routed < m_wanted || m_position < m_reach)) {
        if (routes_to_shadow(m_seed, m_position, m_percent)) {
            routed.push_back(m_position);
            ++m_routed;
        }
        ++m_position;
    }
    return routed;
}

void RoutingDigest::add(std::uint64_t position) {
    for (int shift = 0; shift < 64; shift += 8) {
        m_hash ^= (position >> shift) & 0xff;
        m_hash *= 1099511628211ULL;
    }
}

std::string RoutingDigest::hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(m_hash));
    return text;
}

}  // namespace schemaflip::replay
