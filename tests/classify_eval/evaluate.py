"""Precision and recall of the field classifier on the labelled set, personal vs not.

python tests/classify_eval/evaluate.py [-v]
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import flowscope

LABELS = Path(__file__).with_name("fields.csv")


@dataclass
class Scores:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_positive)

    @property
    def recall(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_negative)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def rows() -> list[dict[str, str]]:
    with LABELS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(verbose: bool = False) -> Scores:
    scores = Scores()
    for row in rows():
        context = [c for c in row["context"].split("/") if c]
        found = flowscope.classify(row["name"], context)["categories"]
        predicted = any(c.startswith("user.") for c in found)
        actual = row["personal"] == "yes"
        if predicted and actual:
            scores.true_positive += 1
        elif predicted:
            scores.false_positive += 1
            if verbose:
                print(f"false positive: {row['name']!r} in {row['context']!r}: {found}")
        elif actual:
            scores.false_negative += 1
            if verbose:
                print(f"false negative: {row['name']!r} in {row['context']!r} ({row['category']})")
        else:
            scores.true_negative += 1
    return scores


if __name__ == "__main__":
    result = evaluate("-v" in sys.argv)
    total = (
        result.true_positive + result.false_positive + result.false_negative + result.true_negative
    )
    print(
        f"{total} fields: precision {result.precision:.3f}, recall {result.recall:.3f}, "
        f"F1 {result.f1:.3f} (tp {result.true_positive}, fp {result.false_positive}, "
        f"fn {result.false_negative}, tn {result.true_negative})"
    )
