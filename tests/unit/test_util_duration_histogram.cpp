// DurationHistogram: quantiles within 1% of the exact nearest-rank value, clamped to what was observed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/util/duration_histogram.hpp"

using schemaflip::util::DurationHistogram;

namespace {

double exact_quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(rank, 1) - 1];
}

}  // namespace

TEST_CASE("duration quantiles are within 1% of the exact value") {
    std::vector<double> values;
    DurationHistogram histogram;
    // A skewed spread from 2 µs to about 40 s, as statement durations are.
    for (int i = 1; i <= 5000; ++i) {
        const double value = 0.002 * std::pow(1.0035, i);
        values.push_back(value);
        histogram.add(value);
    }
    for (double q : {0.5, 0.9, 0.95, 0.99, 1.0}) {
        CAPTURE(q);
        const double exact = exact_quantile(values, q);
        CHECK(std::abs(histogram.quantile(q) - exact) <= exact * 0.01);
    }
    CHECK(histogram.count() == 5000);
}

TEST_CASE("one duration is its own quantile; merged histograms equal one built from all values") {
    DurationHistogram single;
    single.add(14.836);
    CHECK(single.quantile(0.95) == doctest::Approx(14.836));
    CHECK(single.quantile(0.5) == doctest::Approx(14.836));

    DurationHistogram all, left, right;
    for (int i = 0; i < 100; ++i) {
        const double value = 0.1 * (i + 1);
        all.add(value);
        (i % 2 == 0 ? left : right).add(value);
    }
    left.merge(right);
    for (double q : {0.5, 0.95}) CHECK(left.quantile(q) == all.quantile(q));
    CHECK(DurationHistogram().quantile(0.5) == 0.0);
}
