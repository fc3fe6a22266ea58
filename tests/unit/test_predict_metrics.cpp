// ROC-AUC and average precision on small cases worked out by hand (pairs counted, precision summed).
#include <doctest/doctest.h>

#include "core/predict/metrics.hpp"

using namespace schemaflip::predict;

TEST_CASE("predict metrics: ROC-AUC counts correctly ordered positive/negative pairs, ties count half") {
    // Pairs (positive, negative): 0.9>0.8, 0.9>0.1, 0.7<0.8, 0.7>0.1 → 3 of 4.
    CHECK(roc_auc({true, false, true, false}, {0.9, 0.8, 0.7, 0.1}) == doctest::Approx(0.75));
    // 0.5 vs 0.5 counts half: (0.5 + 1) + (0.5 + 1) = 3 of 4.
    CHECK(roc_auc({true, false, true, false}, {0.5, 0.5, 0.5, 0.1}) == doctest::Approx(0.75));
    CHECK(roc_auc({true, true, false}, {3, 2, 1}) == doctest::Approx(1.0));
    CHECK(roc_auc({true, true, false}, {1, 2, 3}) == doctest::Approx(0.0));
    CHECK(roc_auc({true, false, false}, {7, 7, 7}) == doctest::Approx(0.5));
    CHECK(roc_auc({false, false}, {1, 2}) == doctest::Approx(0.5));
}

TEST_CASE("predict metrics: average precision sums precision times recall gained per distinct threshold") {
    // 0.9: 1 of 1 right, recall 1/2; 0.8: no recall gained; 0.7: 2 of 3 right, recall 2/2.
    CHECK(average_precision({true, false, true, false}, {0.9, 0.8, 0.7, 0.1}) == doctest::Approx(0.5 * 1 + 0.5 * 2.0 / 3));
    // One threshold holds three examples, two of them positive: precision 2/3 at recall 1.
    CHECK(average_precision({true, false, true, false}, {0.5, 0.5, 0.5, 0.1}) == doctest::Approx(2.0 / 3));
    // All scores tied: the positive rate.
    CHECK(average_precision({true, false, false, false}, {1, 1, 1, 1}) == doctest::Approx(0.25));
    CHECK(average_precision({false, false}, {1, 2}) == doctest::Approx(0.0));
    CHECK(average_precision({false, true, false}, {0.1, 0.9, 0.2}) == doctest::Approx(1.0));
}
