#!/usr/bin/python3
"""Fits sklearn's LogisticRegression and MLPClassifier on the churn matrix written by churn.bench.ts; prints JSON figures.

usage: sklearn_churn.py SPEC.json

SPEC: {"x": path of a little-endian float64 row-major rows x cols matrix (the plugin's encoding),
       "y": path of uint8 labels, "holdout": path of uint8 holdout flags, "rows", "cols", "seed", "repeats",
       "runs": [{"name", "kind": "logistic" | "mlp", "l2", and for "mlp": "hiddenUnits", "recipe"}]}

The L2 penalty is translated so both sides minimise the same objective as the plugin, mean log-loss + l2 * |W|^2:
- LogisticRegression(lbfgs, C = 1 / (2 * n_train * l2)): sklearn minimises C * sum(log-loss) + |w|^2 / 2;
- MLPClassifier(alpha = 2 * batch * l2): sklearn adds alpha / (2 * batch) * |W|^2 to each batch's mean loss.
MLP recipes ("recipe" in a run):
- "plugin": the plugin's defaults — full-batch adam (batch_size = n_train), learning_rate_init 0.05, max_iter 200,
  tol 1e-4, n_iter_no_change 10 (the plugin copies sklearn's stopping rule);
- "sklearn": sklearn's own defaults (adam, batch 200, learning_rate_init 0.001, max_iter 200, tol 1e-4,
  n_iter_no_change 10), only the architecture and the penalty set;
- "fixed20": the recipe the plugin used before (20 epochs of batch 128, learning_rate_init 0.01, no early stop).
Times are the best and the median of `repeats` runs of fit() and of predict_proba() on all rows in one call.
"""
import json
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier


def timed(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times), result


def estimator(run, n_train, seed):
    if run['kind'] == 'logistic':
        return LogisticRegression(C=1.0 / (2.0 * n_train * run['l2']), max_iter=5000)
    hidden = tuple(run['hiddenUnits'])
    recipe = run['recipe']
    if recipe == 'plugin':
        return MLPClassifier(hidden_layer_sizes=hidden, solver='adam', batch_size=n_train, learning_rate_init=0.05, max_iter=200,
                             tol=1e-4, n_iter_no_change=10, alpha=2 * n_train * run['l2'], random_state=seed)
    if recipe == 'sklearn':
        return MLPClassifier(hidden_layer_sizes=hidden, alpha=2 * min(200, n_train) * run['l2'], random_state=seed)
    if recipe == 'fixed20':
        return MLPClassifier(hidden_layer_sizes=hidden, solver='adam', batch_size=128, learning_rate_init=0.01, max_iter=20,
                             tol=0.0, n_iter_no_change=21, alpha=2 * 128 * run['l2'], random_state=seed)
    raise ValueError(f'unknown recipe {recipe!r}')


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    rows, cols = spec['rows'], spec['cols']
    x = np.fromfile(spec['x'], dtype='<f8').reshape(rows, cols)
    y = np.fromfile(spec['y'], dtype=np.uint8).astype(int)
    holdout = np.fromfile(spec['holdout'], dtype=np.uint8).astype(bool)
    x_train, y_train = x[~holdout], y[~holdout]
    repeats = spec['repeats']
    out = {'sklearn': sklearn.__version__, 'numpy': np.__version__, 'runs': {}}
    warnings.simplefilter('ignore', ConvergenceWarning)  # the fixed-epoch recipe stops at max_iter on purpose
    for run in spec['runs']:
        fit_best, fit_median, model = timed(lambda: estimator(run, len(y_train), spec['seed']).fit(x_train, y_train), repeats)
        predict_best, _, p = timed(lambda: model.predict_proba(x)[:, 1], repeats)
        out['runs'][run['name']] = {
            'fitMs': fit_best,
            'fitMedianMs': fit_median,
            'predictMs': predict_best,
            'auc': float(roc_auc_score(y[holdout], p[holdout])),
            'iterations': int(np.max(model.n_iter_)),
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
