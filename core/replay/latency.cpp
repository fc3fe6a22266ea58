// Latency percentiles from histograms, and the floored latency ratio.
#include "core/replay/latency.hpp"

#include <algorithm>
#include <cmath>

namespace schemaflip::replay {
namespace {

// Microsecond resolution: finer digits are clock noise and only make reports harder to read.
double rounded(double ms) { return std::round(ms * 1000.0) / 1000.0; }

}  // namespace

LatencySummary summarize_latency(const util::DurationHistogram& samples_ms) {
    LatencySummary summary;
    summary.samples = samples_ms.count();
    if (summary.samples == 0) return summary;
    summary.p50_ms = rounded(samples_ms.quantile(0.50));
    summary.p95_ms = rounded(samples_ms.quantile(0.95));
    summary.p99_ms = rounded(samples_ms.quantile(0.99));
    return summary;
}

double latency_ratio(double shadow_ms, double primary_ms, double floor_ms) {
    const double primary = std::max(primary_ms, floor_ms);
    const double shadow = std::max(shadow_ms, floor_ms);
    if (primary <= 0.0) return shadow <= 0.0 ? 1.0 : shadow / 1e-9;
    return std::round(shadow / primary * 1000.0) / 1000.0;
}

}  // namespace schemaflip::replay
