// Ranking metrics of a score against binary labels, as the history README defines them.
#pragma once

#include <vector>

namespace schemaflip::predict {

// ROC-AUC with tied scores given their average rank; 0.5 when one class is absent.
double roc_auc(const std::vector<bool>& labels, const std::vector<double>& scores);
// Average precision over distinct thresholds: Σ (recall_k − recall_{k−1}) · precision_k, walking the
// distinct scores from the highest down; 0 without positives.
double average_precision(const std::vector<bool>& labels, const std::vector<double>& scores);

}  // namespace schemaflip::predict
