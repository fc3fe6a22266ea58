// ROC-AUC by the rank-sum (Mann–Whitney) formula and average precision, both tie-aware.
#include "core/predict/metrics.hpp"

#include <algorithm>
#include <numeric>

namespace schemaflip::predict {
namespace {

std::vector<std::size_t> order_by_score_descending(const std::vector<double>& scores) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
    return order;
}

}  // namespace

double roc_auc(const std::vector<bool>& labels, const std::vector<double>& scores) {
    const auto order = order_by_score_descending(scores);
    const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), true));
    const double negatives = static_cast<double>(labels.size()) - positives;
    if (positives == 0 || negatives == 0) return 0.5;
    // Ranks ascend with the score: the highest score gets rank n. Ties share their average rank.
    const double n = static_cast<double>(labels.size());
    double positive_rank_sum = 0;
    for (std::size_t start = 0; start < order.size();) {
        auto end = start;
        while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
        const double average_rank = n - (static_cast<double>(start + end) - 1.0) / 2.0;
        for (auto i = start; i < end; ++i) {
            if (labels[order[i]]) positive_rank_sum += average_rank;
        }
        start = end;
    }
    return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double average_precision(const std::vector<bool>& labels, const std::vector<double>& scores) {
    const auto order = order_by_score_descending(scores);
    const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), true));
    if (positives == 0) return 0.0;
    double true_positives = 0, seen = 0, previous_recall = 0, precision_sum = 0;
    for (std::size_t start = 0; start < order.size();) {
        auto end = start;
        while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
        for (auto i = start; i < end; ++i) true_positives += labels[order[i]] ? 1 : 0;
        seen += static_cast<double>(end - start);
        const double recall = true_positives / positives;
        precision_sum += (recall - previous_recall) * (true_positives / seen);
        previous_recall = recall;
        start = end;
    }
    return precision_sum;
}

}  // namespace schemaflip::predict
