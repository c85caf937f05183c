"""Reference PSI values for libs/retrain, computed once with numpy (and cross-checked with pandas).

Run with Debian's interpreter (python3-numpy, python3-pandas):

    /usr/bin/python3 libs/retrain/test/reference/psi_reference.py > libs/retrain/test/fixtures/psi-reference.json

Conventions reproduced here independently of the TypeScript code:
- numeric bins: inner edges = np.quantile(reference, [0.1 .. 0.9]) (method 'linear'), duplicates dropped
  with np.unique; right-closed bins (-inf, e1], (e1, e2], ..., (ek, inf) via np.searchsorted(side='left');
  the assignment is checked against pandas.cut with the same edges.
- missing values (NaN / None) get their own bin when either side has one; shares are count / all rows.
- a share of exactly 0 is replaced by EPS = 1e-4 (no renormalisation); PSI = sum (q - p) * ln(q / p).
- categorical: one bin per level of the union of both sides, sorted, plus the missing bin.
The specs read the JSON; they never run Python.
"""
import json
import sys

import numpy as np
import pandas as pd

EPS = 1e-4
rng = np.random.default_rng(20240612)


def shares(counts):
    counts = np.asarray(counts, dtype=float)
    return counts / counts.sum()


def psi_from_counts(ref_counts, new_counts):
    p = shares(ref_counts)
    q = shares(new_counts)
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    terms = (q - p) * np.log(q / p)
    return float(terms.sum()), terms


def numeric_case(name, ref, new, bins=10):
    # Inputs rounded to 4 decimals to keep the fixture small; the rounded values are the test data.
    ref = np.round(np.asarray(ref, dtype=float), 4)
    new = np.round(np.asarray(new, dtype=float), 4)
    ref_ok = ref[~np.isnan(ref)]
    new_ok = new[~np.isnan(new)]
    if ref_ok.size:
        edges = np.unique(np.quantile(ref_ok, np.arange(1, bins) / bins))
    else:
        edges = np.array([])
    k = edges.size + 1

    def count(values, total):
        idx = np.searchsorted(edges, values, side="left")
        # Independent check of the binning with pandas' right-closed intervals.
        if values.size:
            cut = pd.cut(values, np.concatenate([[-np.inf], edges, [np.inf]]), right=True, labels=False)
            assert np.array_equal(np.asarray(cut), idx), name
        counts = np.bincount(idx, minlength=k).astype(int).tolist()
        return counts, int(total - values.size)

    ref_counts, ref_missing = count(ref_ok, ref.size)
    new_counts, new_missing = count(new_ok, new.size)
    if ref_missing or new_missing:
        ref_counts.append(ref_missing)
        new_counts.append(new_missing)
    psi, terms = psi_from_counts(ref_counts, new_counts)

    def summary(values, total):
        if values.size == 0:
            return {"n": int(total), "missing": int(total), "mean": None, "std": None, "p05": None, "p50": None, "p95": None}
        return {
            "n": int(total),
            "missing": int(total - values.size),
            "mean": float(np.mean(values)),
            "std": float(np.std(values, ddof=1)) if values.size > 1 else None,
            "p05": float(np.quantile(values, 0.05)),
            "p50": float(np.quantile(values, 0.5)),
            "p95": float(np.quantile(values, 0.95)),
        }

    as_json = lambda a: [None if np.isnan(x) else float(x) for x in a]
    return {
        "name": name,
        "reference": as_json(ref),
        "candidate": as_json(new),
        "edges": edges.tolist(),
        "referenceCounts": ref_counts,
        "candidateCounts": new_counts,
        "contributions": terms.tolist(),
        "psi": psi,
        "referenceSummary": summary(ref_ok, ref.size),
        "candidateSummary": summary(new_ok, new.size),
    }


def categorical_case(name, ref, new):
    ref_s = pd.Series(ref, dtype="object")
    new_s = pd.Series(new, dtype="object")
    levels = sorted(set(ref_s.dropna()) | set(new_s.dropna()))
    ref_counts = [int((ref_s == level).sum()) for level in levels]
    new_counts = [int((new_s == level).sum()) for level in levels]
    ref_missing = int(ref_s.isna().sum())
    new_missing = int(new_s.isna().sum())
    if ref_missing or new_missing:
        ref_counts.append(ref_missing)
        new_counts.append(new_missing)
    psi, terms = psi_from_counts(ref_counts, new_counts)
    return {
        "name": name,
        "reference": list(ref),
        "candidate": list(new),
        "levels": levels,
        "referenceCounts": ref_counts,
        "candidateCounts": new_counts,
        "contributions": terms.tolist(),
        "psi": psi,
    }


def with_missing(values, fraction):
    values = np.asarray(values, dtype=float).copy()
    values[rng.random(values.size) < fraction] = np.nan
    return values


base = rng.normal(50, 10, 1000)
numeric_cases = [
    numeric_case("normal vs same distribution (new sample)", base, rng.normal(50, 10, 800)),
    numeric_case("normal vs mean shifted by half a std", base, rng.normal(55, 10, 800)),
    numeric_case("normal vs variance doubled", base, rng.normal(50, 10 * np.sqrt(2), 800)),
    numeric_case("identical samples", base[:200], base[:200]),
    numeric_case("lognormal spend vs heavier tail", rng.lognormal(3, 1, 1500), rng.lognormal(3.2, 1.2, 1200)),
    numeric_case("poisson counts with heavy ties (duplicate deciles)", rng.poisson(1.2, 600), rng.poisson(2.0, 500)),
    numeric_case("binary 0/1 feature", rng.integers(0, 2, 300) * (rng.random(300) < 0.3), (rng.random(300) < 0.5).astype(int)),
    numeric_case("constant reference, varying candidate", np.full(100, 7.0), np.concatenate([np.full(60, 7.0), rng.normal(9, 1, 40)])),
    numeric_case("constant reference, same constant candidate", np.full(50, 3.0), np.full(70, 3.0)),
    numeric_case("candidate entirely above the reference range (empty bins)", rng.uniform(0, 10, 400), rng.uniform(20, 30, 300)),
    numeric_case("candidate in one reference decile (nine empty bins)", np.arange(1, 101, dtype=float), np.full(80, 55.5)),
    numeric_case("missing values on both sides, rate rising", with_missing(rng.normal(0, 1, 500), 0.05), with_missing(rng.normal(0, 1, 500), 0.2)),
    numeric_case("missing only in the candidate", rng.normal(0, 1, 300), with_missing(rng.normal(0, 1, 300), 0.1)),
    numeric_case("reference all missing", np.full(20, np.nan), rng.normal(0, 1, 30)),
    numeric_case("small hand-sized sample (n=7)", [1, 2, 2, 3, 5, 8, 13], [2, 3, 3, 4, 9, 21]),
    numeric_case("single reference value", [4.0], [1.0, 4.0, 6.0]),
    numeric_case("values equal to the edges (right-closed bins)", np.arange(0, 11, dtype=float), np.array([1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 0], dtype=float)),
]

colours = np.array(["blue", "green", "red"])
categorical_cases = [
    categorical_case("same levels, shares shifted", list(colours[rng.choice(3, 500, p=[0.5, 0.3, 0.2])]), list(colours[rng.choice(3, 400, p=[0.3, 0.3, 0.4])])),
    categorical_case("identical", ["a", "b", "b", "c"], ["a", "b", "b", "c"]),
    categorical_case("new level in the candidate, dropped level from the reference", ["x", "x", "y", "z"] * 25, ["x", "y", "y", "w"] * 30),
    categorical_case("missing values on both sides", ["m", None, "f", "f", "m", None, "m"], ["m", "f", None, None, None, "f"]),
    categorical_case("single level vs two levels", ["only"] * 40, ["only"] * 30 + ["other"] * 10),
]

segment_cases = [
    {"name": name, "champion": champ, "candidate": cand, "psi": psi_from_counts([c for _, c in champ_sorted], [c for _, c in cand_sorted])[0]}
    for name, champ, cand, champ_sorted, cand_sorted in [
        (
            name,
            champ,
            cand,
            [(label, dict(champ).get(label, 0)) for label in sorted(set(dict(champ)) | set(dict(cand)))],
            [(label, dict(cand).get(label, 0)) for label in sorted(set(dict(champ)) | set(dict(cand)))],
        )
        for name, champ, cand in [
            ("three segments, one grows", [("Champions", 200), ("Loyal", 500), ("At Risk", 300)], [("Champions", 180), ("Loyal", 420), ("At Risk", 400)]),
            ("a segment disappears and one appears", [("A", 100), ("B", 100)], [("A", 120), ("C", 80)]),
        ]
    ]
]
for case in segment_cases:
    case["champion"] = [{"label": label, "size": size} for label, size in case["champion"]]
    case["candidate"] = [{"label": label, "size": size} for label, size in case["candidate"]]

json.dump(
    {
        "versions": {"numpy": np.__version__, "pandas": pd.__version__, "python": sys.version.split()[0]},
        "epsilon": EPS,
        "numericCases": numeric_cases,
        "categoricalCases": categorical_cases,
        "segmentCases": segment_cases,
    },
    sys.stdout,
    allow_nan=False,
)
sys.stdout.write("\n")
