"""Reference values for libs/compare, computed once with scikit-learn and SciPy.

Run with Debian's interpreter (it has python3-sklearn/scipy/numpy):

    /usr/bin/python3 libs/compare/test/reference/sklearn_reference.py > libs/compare/test/fixtures/sklearn-reference.json

The specs read the JSON; they never run Python.
"""
import itertools
import json
import sys

import mpmath
import numpy as np
import scipy
import sklearn
from scipy import stats
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

rng = np.random.default_rng(20240611)


def label_case(name, a, b):
    a = [int(x) for x in a]
    b = [int(x) for x in b]
    return {
        "name": name,
        "labelsA": a,
        "labelsB": b,
        "kA": max(a) + 1 if a else 0,
        "kB": max(b) + 1 if b else 0,
        "ari": float(adjusted_rand_score(a, b)),
        "nmi": float(normalized_mutual_info_score(a, b, average_method="arithmetic")),
    }


n = 1000
random_a = rng.integers(0, 3, n)
random_b = rng.integers(0, 5, n)
# B partly follows A so the scores are away from zero.
follow = rng.random(n) < 0.6
correlated_b = np.where(follow, random_a + rng.integers(0, 2, n) * 3 % 5, random_b)
permutation = np.array([2, 0, 1])

label_cases = [
    label_case("random k=3 vs k=5 (independent)", random_a, random_b),
    label_case("random k=3 vs k=6 (correlated)", random_a, correlated_b),
    label_case("identical", random_b, random_b),
    label_case("permuted labels", random_a, permutation[random_a]),
    label_case("one cluster vs one cluster", [0] * 20, [0] * 20),
    label_case("one cluster vs many", [0] * 20, [i % 4 for i in range(20)]),
    label_case("many vs one cluster", [i % 4 for i in range(20)], [0] * 20),
    label_case("all singletons vs all singletons", list(range(12)), list(range(12))[::-1]),
    label_case("all singletons vs one cluster", list(range(12)), [0] * 12),
    label_case("one cluster vs all singletons", [0] * 12, list(range(12))),
    label_case("hand-made 2x2 anti-diagonal", [0, 0, 1, 1], [0, 1, 0, 1]),
    label_case("hand-made 3 vs 2", [0, 0, 0, 1, 1, 1, 2, 2], [0, 0, 1, 1, 1, 1, 0, 0]),
    label_case("single point", [0], [0]),
    label_case("two points split vs joined", [0, 1], [0, 0]),
]
for case in label_cases:
    case["contingency"] = contingency_matrix(case["labelsA"], case["labelsB"]).tolist()


def assignment_case(name, matrix):
    matrix = np.asarray(matrix, dtype=float)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    total = float(matrix[rows, cols].sum())
    # Brute force proves the optimum is unique, so the pairs (not only the total) must agree.
    r, c = matrix.shape
    small, large = (r, c) if r <= c else (c, r)
    m = matrix if r <= c else matrix.T
    totals = sorted(
        (float(m[np.arange(small), list(p)].sum()) for p in itertools.permutations(range(large), small)),
        reverse=True,
    )
    assert abs(totals[0] - total) < 1e-9
    unique = len(totals) == 1 or totals[1] < totals[0] - 1e-9
    return {
        "name": name,
        "matrix": matrix.tolist(),
        "rows": rows.tolist(),
        "cols": cols.tolist(),
        "total": total,
        "isUnique": unique,
    }


assignment_cases = [
    assignment_case("3x5 overlaps", [[40, 3, 7, 0, 12], [5, 30, 31, 2, 0], [9, 1, 28, 22, 6]]),
    assignment_case("5x3 overlaps", [[40, 3, 7], [5, 30, 31], [9, 1, 28], [0, 2, 22], [12, 0, 6]]),
    assignment_case("greedy is wrong", [[10, 9, 0], [9, 0, 0], [0, 0, 1]]),
    assignment_case("4x6 random", rng.integers(0, 100, (4, 6))),
    assignment_case("6x4 random", rng.integers(0, 100, (6, 4))),
    assignment_case("1x4", [[3, 8, 1, 7]]),
]

mpmath.mp.dps = 50


def t_ppf_mpmath(p, df):
    """Student t quantile to 50 digits: the root in t of P(T <= -|t|) = min(p, 1-p), with
    P(T <= -|t|) = I_y(1/2, df/2, upper) / 2 and y = t^2/(df+t^2), started from SciPy's value."""
    if p == 0.5:
        return 0.0
    tail = mpmath.mpf(min(p, 1 - p))
    nu = mpmath.mpf(df)

    def lower_tail(t):
        y = t * t / (nu + t * t)
        return mpmath.betainc(mpmath.mpf(1) / 2, nu / 2, y, 1, regularized=True) / 2

    start = mpmath.mpf(abs(float(stats.t.ppf(p, df))))
    t = mpmath.findroot(lambda t: lower_tail(t) - tail, (start, start * (1 + mpmath.mpf(10) ** -6)), solver="secant")
    assert abs(lower_tail(t) / tail - 1) < mpmath.mpf(10) ** -30
    return float(-t if p < 0.5 else t)


# SciPy 1.10's t.ppf (cdflib's stdtrit) is accurate only to about 1e-9 relative: SciPy later moved it
# to Boost for that reason (scipy/scipy#22962). Both values are recorded; the specs hold the
# TypeScript quantile to the 50-digit mpmath value and to SciPy within SciPy's own accuracy.
t_cases = []
for p in [0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.025, 0.001, 1e-6, 0.999999]:
    for df in [1, 2, 2.5, 3, 7.3, 30, 1000, 1e6]:
        t_cases.append({"p": p, "df": df, "ppf": float(stats.t.ppf(p, df)), "ppfMpmath": t_ppf_mpmath(p, df)})
t_cdf_cases = [
    {"t": t, "df": df, "cdf": float(stats.t.cdf(t, df))}
    for t in [-40.0, -3.2, -1.0, -0.01, 0.0, 0.5, 2.0, 12.7]
    for df in [1, 2.5, 30, 1000]
]
normal_cases = [{"p": p, "ppf": float(stats.norm.ppf(p))} for p in [1e-9, 0.001, 0.025, 0.1, 0.5, 0.8, 0.975, 0.995, 0.999999]]


def welch_case(name, a, b, confidence=0.95):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    delta = b.mean() - a.mean()
    q = t_ppf_mpmath(0.5 + confidence / 2, df)
    q_scipy = stats.t.ppf(0.5 + confidence / 2, df)
    # SciPy's own Welch test gives the statistic and p-value independently of the lines above.
    test = stats.ttest_ind(b, a, equal_var=False)
    return {
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "confidence": confidence,
        "delta": float(delta),
        "standardError": float(se),
        "df": float(df),
        "lower": float(delta - q * se),
        "upper": float(delta + q * se),
        "lowerScipy": float(delta - q_scipy * se),
        "upperScipy": float(delta + q_scipy * se),
        "statistic": float(test.statistic),
        "pValue": float(test.pvalue),
    }


welch_cases = [
    welch_case("small samples, unequal variances", [12.1, 9.8, 11.4, 10.2, 13.0], [14.9, 10.1, 18.2, 16.7, 12.4, 15.5, 17.1]),
    welch_case("overlapping means", [3.1, 2.9, 3.4, 3.0], [3.2, 2.8, 3.5, 3.1, 3.0]),
    welch_case("two points each", [1.0, 2.0], [4.0, 7.0]),
    welch_case("90% interval", [5.5, 6.1, 4.9, 5.7, 6.3, 5.2], [6.4, 7.1, 6.9, 5.8, 7.4], 0.9),
]


def wald_case(sa, na, sb, nb, confidence=0.95):
    pa, pb = sa / na, sb / nb
    se = np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    z = stats.norm.ppf(0.5 + confidence / 2)
    return {
        "successesA": sa, "nA": na, "successesB": sb, "nB": nb, "confidence": confidence,
        "delta": pb - pa, "lower": float(pb - pa - z * se), "upper": float(pb - pa + z * se),
    }


wald_cases = [wald_case(45, 100, 62, 110), wald_case(300, 1000, 310, 1000), wald_case(5, 40, 12, 35, 0.99)]

json.dump(
    {
        "generatedBy": "libs/compare/test/reference/sklearn_reference.py",
        "versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
        "labelCases": label_cases,
        "assignmentCases": assignment_cases,
        "tPpfCases": t_cases,
        "tCdfCases": t_cdf_cases,
        "normalPpfCases": normal_cases,
        "welchCases": welch_cases,
        "waldCases": wald_cases,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
