// Duration quantiles in flat memory: log-spaced buckets (1% wide), so p50/p95 cost no per-statement storage.
#pragma once

#include <cstdint>
#include <vector>

namespace schemaflip::util {

class DurationHistogram {
public:
    void add(double milliseconds);
    void merge(const DurationHistogram& other);
    // The q-quantile (0 < q <= 1), within 1% of an observed value and never outside the observed
    // minimum and maximum; 0 when empty.
    double quantile(double q) const;
    std::uint64_t count() const { return m_count; }

private:
    void count_in(int bucket, std::uint64_t count);

    // Counts of buckets m_first_bucket, m_first_bucket + 1, ...: a statement's durations span a few
    // hundred buckets at most, and a flat array makes add() one index computation.
    std::vector<std::uint32_t> m_counts;
    int m_first_bucket = 0;
    std::uint64_t m_count = 0;
    double m_min = 0;
    double m_max = 0;
};

}  // namespace schemaflip::util
