#!/usr/bin/python3
"""Fits sklearn's LogisticRegression and MLPClassifier on the churn matrix written by churn.bench.ts; prints JSON figures.

usage: sklearn_churn.py SPEC.json

SPEC: {"x": path of a little-endian float64 row-major rows x cols matrix (the plugin's encoding),
       "y": path of uint8 labels, "holdout": path of uint8 holdout flags, "rows", "cols",
       "epochs", "batchSize", "learningRate", "l2", "hiddenUnits", "seed", "repeats"}

The penalties are translated so both sides minimise the same objective as the plugin:
- LogisticRegression(C = 1 / (2 * n_train * l2)): sklearn minimises C * sum(log-loss) + |w|^2 / 2;
- MLPClassifier(alpha = 2 * batchSize * l2): sklearn adds alpha / (2 * batch) * |W|^2 to each batch's mean loss.
The MLP runs exactly `epochs` passes (max_iter = epochs, no early stop: tol = 0, n_iter_no_change > epochs).
Times are the median of `repeats` runs of fit() and of predict_proba() on all rows in one call.
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
    return statistics.median(times), result


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    rows, cols = spec['rows'], spec['cols']
    x = np.fromfile(spec['x'], dtype='<f8').reshape(rows, cols)
    y = np.fromfile(spec['y'], dtype=np.uint8).astype(int)
    holdout = np.fromfile(spec['holdout'], dtype=np.uint8).astype(bool)
    x_train, y_train = x[~holdout], y[~holdout]
    repeats = spec['repeats']
    models = {
        'logistic': lambda: LogisticRegression(C=1.0 / (2.0 * len(y_train) * spec['l2']), max_iter=5000),
        'mlp': lambda: MLPClassifier(hidden_layer_sizes=tuple(spec['hiddenUnits']), solver='adam', batch_size=spec['batchSize'],
                                     learning_rate_init=spec['learningRate'], max_iter=spec['epochs'], alpha=2 * spec['batchSize'] * spec['l2'],
                                     tol=0.0, n_iter_no_change=spec['epochs'] + 1, shuffle=True, random_state=spec['seed']),
    }
    out = {'sklearn': sklearn.__version__, 'numpy': np.__version__}
    warnings.simplefilter('ignore', ConvergenceWarning)  # the MLP stops after `epochs` on purpose
    for name, make in models.items():
        fit_ms, model = timed(lambda: make().fit(x_train, y_train), repeats)
        predict_ms, p = timed(lambda: model.predict_proba(x)[:, 1], repeats)
        out[name] = {
            'fitMs': fit_ms,
            'predictMs': predict_ms,
            'auc': float(roc_auc_score(y[holdout], p[holdout])),
            'iterations': int(np.max(model.n_iter_)),
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
