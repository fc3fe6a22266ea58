// DurationHistogram: bucket i holds values in [1.01^i, 1.01^(i+1)) microseconds.
#include "core/util/duration_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace schemaflip::util {
namespace {

constexpr double k_growth = 1.01;
const double k_log_growth = std::log(k_growth);

int bucket_of(double milliseconds) {
    const double microseconds = milliseconds * 1000.0;
    if (!(microseconds >= 1.0)) return -1;  // below 1 µs, zero, negative or NaN
    return static_cast<int>(std::floor(std::log(microseconds) / k_log_growth));
}

double bucket_middle_ms(int bucket) {
    if (bucket < 0) return 0.0;
    return std::pow(k_growth, bucket + 0.5) / 1000.0;
}

}  // namespace

void DurationHistogram::count_in(int bucket, std::uint64_t count) {
    if (m_counts.empty()) {
        m_first_bucket = bucket;
    } else if (bucket < m_first_bucket) {
        m_counts.insert(m_counts.begin(), static_cast<std::size_t>(m_first_bucket - bucket), 0);
        m_first_bucket = bucket;
    }
    const auto index = static_cast<std::size_t>(bucket - m_first_bucket);
    if (index >= m_counts.size()) m_counts.resize(index + 1, 0);
    m_counts[index] += static_cast<std::uint32_t>(count);
}

void DurationHistogram::add(double milliseconds) {
    m_min = m_count == 0 ? milliseconds : std::min(m_min, milliseconds);
    m_max = m_count == 0 ? milliseconds : std::max(m_max, milliseconds);
    count_in(bucket_of(milliseconds), 1);
    ++m_count;
}

void DurationHistogram::merge(const DurationHistogram& other) {
    if (other.m_count == 0) return;
    m_min = m_count == 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = m_count == 0 ? other.m_max : std::max(m_max, other.m_max);
    for (std::size_t i = 0; i < other.m_counts.size(); ++i) {
        if (other.m_counts[i] != 0) count_in(other.m_first_bucket + static_cast<int>(i), other.m_counts[i]);
    }
    m_count += other.m_count;
}

double DurationHistogram::quantile(double q) const {
    if (m_count == 0) return 0.0;
    // The rank of the q-quantile among the observations (nearest-rank definition).
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= rank) return std::clamp(bucket_middle_ms(m_first_bucket + static_cast<int>(i)), m_min, m_max);
    }
    return m_max;
}

}  // namespace schemaflip::util
