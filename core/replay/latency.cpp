// Nearest-rank percentiles and the floored latency ratio.
#include "core/replay/latency.hpp"

#include <algorithm>
#include <cmath>

namespace schemaflip::replay {
namespace {

double nearest_rank(const std::vector<double>& sorted, double quantile) {
    const auto rank = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Microsecond resolution: finer digits are clock noise and only make reports harder to read.
double rounded(double ms) { return std::round(ms * 1000.0) / 1000.0; }

}  // namespace

LatencySummary summarize_latency(std::vector<double> samples_ms) {
    LatencySummary summary;
    summary.samples = samples_ms.size();
    if (samples_ms.empty()) return summary;
    std::sort(samples_ms.begin(), samples_ms.end());
    summary.p50_ms = rounded(nearest_rank(samples_ms, 0.50));
    summary.p95_ms = rounded(nearest_rank(samples_ms, 0.95));
    summary.p99_ms = rounded(nearest_rank(samples_ms, 0.99));
    return summary;
}

double latency_ratio(double shadow_ms, double primary_ms, double floor_ms) {
    const double primary = std::max(primary_ms, floor_ms);
    const double shadow = std::max(shadow_ms, floor_ms);
    if (primary <= 0.0) return shadow <= 0.0 ? 1.0 : shadow / 1e-9;
    return std::round(shadow / primary * 1000.0) / 1000.0;
}

}  // namespace schemaflip::replay
