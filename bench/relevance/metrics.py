"""Scoring a ranking against the judged sets in this folder: MRR@10, nDCG@10 and recall@10.

Shared by ``bench/relevance.py`` and ``tests/search/test_relevance_floor.py`` so that the figure
the benchmark prints and the floor the test holds are computed the same way. Plain Python, no
kb import: the judged sets measure kb from the outside.

Grades: 3 answers the query fully, 2 mostly, 1 is related or partial. A document *answers* a
query at grade 2 or more; MRR and recall count only those, since a merely related page at the
top does not end a reader's search. nDCG uses every grade, with gain ``2**grade - 1``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

HERE = Path(__file__).resolve().parent
K = 10
ANSWERS = 2  # the lowest grade that answers a query
SETS = ("sample", "github")


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    judgements: dict[str, int]


@dataclass(frozen=True)
class Scored:
    """One query's ranking and its scores; ``ranked`` holds judgement keys or anything else."""

    judged: Judged
    ranked: tuple[str, ...]
    rr: float
    ndcg: float
    recall: float

    @property
    def missed(self) -> bool:
        """Nothing that answers the query is in the top ``K``."""
        return self.recall == 0.0


@dataclass
class Summary:
    queries: int = 0
    mrr: float = 0.0
    ndcg: float = 0.0
    recall: float = 0.0
    missed: list[Scored] = field(default_factory=list)


def load(name: str, folder: Path = HERE) -> list[Judged]:
    """The judged set ``name`` (``sample`` or ``github``), checked for the shape it promises."""
    out = []
    with open(folder / f"{name}.jsonl", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            grades = {str(k): int(v) for k, v in row["judgements"].items()}
            if not grades or max(grades.values()) != 3 or not set(grades.values()) <= {1, 2, 3}:
                raise ValueError(f"{name}.jsonl:{number}: grades must be 1-3, with at least one 3")
            out.append(Judged(row["query"], row["kind"], grades))
    return out


def reciprocal_rank(ranked: Iterable[str], grades: dict[str, int], k: int = K) -> float:
    for rank, key in enumerate(list(ranked)[:k], start=1):
        if grades.get(key, 0) >= ANSWERS:
            return 1.0 / rank
    return 0.0


def ndcg(ranked: Iterable[str], grades: dict[str, int], k: int = K) -> float:
    def dcg(gains: Iterable[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 1) for i, g in enumerate(gains, start=1))

    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg(grades.get(key, 0) for key in list(ranked)[:k]) / ideal if ideal else 0.0


def recall(ranked: Iterable[str], grades: dict[str, int], k: int = K) -> float:
    answers = {key for key, grade in grades.items() if grade >= ANSWERS}
    return len(answers & set(list(ranked)[:k])) / len(answers) if answers else 0.0


def score(judged: Judged, ranked: Iterable[str]) -> Scored:
    ranked = tuple(ranked)[:K]
    grades = judged.judgements
    return Scored(judged, ranked, reciprocal_rank(ranked, grades), ndcg(ranked, grades),
                  recall(ranked, grades))


def run(queries: Iterable[Judged], search: Callable[[Judged], Iterable[str]]) -> list[Scored]:
    """Each query through ``search`` (which answers the judgement keys of its top hits, best
    first), scored."""
    return [score(judged, search(judged)) for judged in queries]


def summarise(scored: list[Scored]) -> Summary:
    """Means over the queries: every query weighs the same, whatever its number of answers."""
    n = len(scored)
    if not n:
        return Summary()
    return Summary(n, sum(s.rr for s in scored) / n, sum(s.ndcg for s in scored) / n,
                   sum(s.recall for s in scored) / n, [s for s in scored if s.missed])
