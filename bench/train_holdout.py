#!/usr/bin/env python3
"""Held-out evaluation of `schemaflip train` on the 11 projects of schema-history/train.csv.

Projects are sorted by name and dealt into 4 folds (3/3/3/2): fold k holds out every project whose index
mod 4 is k and trains on the other 8 (or 9). Every project is held out exactly once. Prints ROC-AUC and
PR-AUC per project and pooled over all held-out rows, for the model and the recency baseline (operations
on the table in the previous 90 days) on the same rows. Then two diagnostic lines. The first: the pooled
PR-AUC after each held-out project's scores are shifted (in log-odds) so that their mean is that project's
true positive rate. That shift uses the labels, so it is an oracle, not a model: it bounds what better
calibration across projects alone could add to the pooled figure; the rest must come from ranking within
each project. The second does the same per project and week: it shows how much of the rest is knowing
*when* a project changes many tables (the weeks before a burst of migrations) rather than *which* tables.

Usage: train_holdout.py SCHEMAFLIP_BINARY [TRAIN_CSV] [extra train flags...]
"""
import csv
import json
import math
import pathlib
import shutil
import subprocess
import sys
import tempfile

FOLDS = 4


def roc_auc(labels, scores):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        for k in range(i, j):
            ranks[order[k]] = (i + j + 1) / 2.0  # average of ranks i+1 .. j
        i = j
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return 0.5
    rank_sum = sum(r for r, label in zip(ranks, labels) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(labels, scores):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    positives = sum(labels)
    if positives == 0:
        return 0.0
    true_positives = seen = 0
    previous_recall = total = 0.0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            true_positives += labels[order[j]]
            j += 1
        seen += j - i
        recall = true_positives / positives
        total += (recall - previous_recall) * true_positives / seen
        previous_recall = recall
        i = j
    return total


def calibrated_to_true_rates(labels, scores, groups):
    """Scores shifted per group (a project, or a project's week) so that their mean equals the group's
    positive rate (see the docstring)."""
    rows_of = {}
    for i, group in enumerate(groups):
        rows_of.setdefault(group, []).append(i)
    shifted = list(scores)
    for rows in rows_of.values():
        rate = sum(labels[i] for i in rows) / len(rows)
        logits = [math.log(max(scores[i], 1e-9) / max(1 - scores[i], 1e-9)) for i in rows]
        low, high = -20.0, 20.0
        for _ in range(50):  # the mean probability rises with the shift: bisect for the rate
            middle = (low + high) / 2
            mean = sum(1 / (1 + math.exp(-(x + middle))) for x in logits) / len(logits)
            low, high = (middle, high) if mean < rate else (low, middle)
        for i, x in zip(rows, logits):
            shifted[i] = x + low
    return shifted


def run(argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as error:
        sys.exit(f"train_holdout: cannot run {argv[0]}: {error.strerror}")
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def main():
    binary = sys.argv[1]
    train_csv = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else
                             pathlib.Path(__file__).resolve().parents[2] / "shared/data/schema-history/train.csv")
    extra = sys.argv[3:]
    with open(train_csv, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    projects = sorted({row[0] for row in rows})
    work = pathlib.Path(tempfile.mkdtemp(prefix="schemaflip-holdout-"))

    def write(path, keep):
        with open(path, "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(row for row in rows if row[0] in keep)

    labels, scores, row_projects, row_weeks = [], [], [], []
    per_project = {}
    model = None
    for fold in range(FOLDS):
        held_out = {p for i, p in enumerate(projects) if i % FOLDS == fold}
        train_path, test_path = work / f"train{fold}.csv", work / f"test{fold}.csv"
        model, dump = work / f"model{fold}.ubj", work / f"scores{fold}.csv"
        write(train_path, set(projects) - held_out)
        write(test_path, held_out)
        run([binary, "train", "--history", str(train_path), "-o", str(model), "-j", "2", *extra])
        report = json.loads(run([binary, "--format", "json", "train", "--evaluate", str(test_path),
                                 "--model", str(model), "--dump-scores", str(dump)]))
        for entry in report["projects"]:
            per_project[entry["project"]] = (fold, entry)
        with open(dump, newline="") as f:
            for row in csv.DictReader(f):
                labels.append(int(row["label"]))
                scores.append(float(row["score"]))
                row_projects.append(row["project"])
                row_weeks.append((row["project"], row["week"]))

    # The baseline needs no training, and every project is held out once: its pooled numbers over all
    # held-out rows are those of one evaluation on the whole file.
    whole = json.loads(run([binary, "--format", "json", "train", "--evaluate", str(train_csv), "--model", str(model)]))
    baseline = whole["pooled"]["baseline"]
    assert whole["pooled"]["rows"] == len(labels), "held-out rows differ from the whole file's rows"

    print(f"{'project':40} {'fold':>4} {'rows':>7} {'pos':>6}  {'roc_auc':>7} {'pr_auc':>7}  {'base_roc':>8} {'base_pr':>7}")
    for project in projects:
        fold, e = per_project[project]
        print(f"{project:40} {fold:>4} {e['rows']:>7} {e['positive_rate']:6.4f}  {e['model']['roc_auc']:7.4f} "
              f"{e['model']['pr_auc']:7.4f}  {e['baseline']['roc_auc']:8.4f} {e['baseline']['pr_auc']:7.4f}")
    model_roc, model_pr = roc_auc(labels, scores), average_precision(labels, scores)
    print(f"{'POOLED':40} {'':>4} {len(labels):>7} {sum(labels) / len(labels):6.4f}  {model_roc:7.4f} {model_pr:7.4f}  "
          f"{baseline['roc_auc']:8.4f} {baseline['pr_auc']:7.4f}")
    print(f"PR-AUC ratio model/baseline: {model_pr / baseline['pr_auc']:.2f}")
    oracle_pr = average_precision(labels, calibrated_to_true_rates(labels, scores, row_projects))
    print(f"diagnostic, not a result: pooled PR-AUC with each project calibrated to its true positive rate "
          f"{oracle_pr:.4f} ({oracle_pr / baseline['pr_auc']:.2f}x)")
    weekly_pr = average_precision(labels, calibrated_to_true_rates(labels, scores, row_weeks))
    print(f"diagnostic, not a result: pooled PR-AUC with each project's week calibrated to its true positive rate "
          f"{weekly_pr:.4f} ({weekly_pr / baseline['pr_auc']:.2f}x)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
