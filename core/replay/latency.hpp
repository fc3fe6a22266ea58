// Latency percentiles of one side, and the floored ratio stages and fingerprints are judged by.
#pragma once

#include <vector>

#include "core/replay/report.hpp"

namespace schemaflip::replay {

// Nearest-rank p50/p95/p99 of the samples (milliseconds); zeros without samples.
LatencySummary summarize_latency(std::vector<double> samples_ms);

// shadow / primary with both raised to `floor_ms` first: below the floor, timings are mostly noise.
double latency_ratio(double shadow_ms, double primary_ms, double floor_ms);

}  // namespace schemaflip::replay
