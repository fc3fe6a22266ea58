// Latency percentiles of one side, and the floored ratio stages and fingerprints are judged by.
#pragma once

#include "core/replay/report.hpp"
#include "core/util/duration_histogram.hpp"

namespace schemaflip::replay {

// p50/p95/p99 of the samples (milliseconds, within 1% of the nearest-rank value, rounded to the
// microsecond); zeros without samples.
LatencySummary summarize_latency(const util::DurationHistogram& samples_ms);

// shadow / primary with both raised to `floor_ms` first: below the floor, timings are mostly noise.
double latency_ratio(double shadow_ms, double primary_ms, double floor_ms);

}  // namespace schemaflip::replay
