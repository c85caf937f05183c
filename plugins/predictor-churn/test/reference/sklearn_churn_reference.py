#!/usr/bin/python3
"""Independent reference values for the predictor-churn tests, computed with scikit-learn.

Run with Debian's interpreter (the one that has scikit-learn), from the repository root:

    /usr/bin/python3 plugins/predictor-churn/test/reference/sklearn_churn_reference.py \
        > plugins/predictor-churn/test/fixtures/sklearn-churn-reference.json

Data: the Telco fixture, read with pandas. TotalCharges is a blank in 11 rows (all tenure 0): read as 0,
as the TypeScript tests do. Label: Churn == 'Yes'.

Split: the holdout rows listed in ../fixtures/telco-holdout.json (the plugin's seeded stratified split
for seed 42, fraction 0.2, written by export-holdout.ts); every other row trains.

Encoding, fitted on the training rows only: StandardScaler (population std) on SeniorCitizen, tenure,
MonthlyCharges, TotalCharges; OneHotEncoder(handle_unknown='ignore') on the 15 other columns, no level
dropped — the plugin's encoding, computed independently.

Models:
- LogisticRegression(lbfgs) with C = 1 / (2 * n_train * l2), l2 = 1e-4: the minimiser of
  mean log-loss + l2 * |w|^2, which is what the plugin's logistic model trains towards
  (sklearn minimises C * sum(log-loss) + |w|^2 / 2). Also with sklearn's default C = 1, for scale.
- MLPClassifier(hidden_layer_sizes=(16, 8), adam) for context only.
- RepeatedStratifiedKFold(5 folds x 3 repeats) AUC of the same logistic pipeline on all rows: how much
  a single holdout AUC varies on this data.

`metrics_check` holds the logistic model's holdout labels and probabilities and sklearn's roc_auc_score,
log_loss(eps=1e-15), brier_score_loss and calibration_curve(n_bins=10, strategy='quantile') of them, also
after rounding the probabilities to 2 decimals (many ties), so the plugin's metric functions can be
checked against sklearn's on the same numbers.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'fixtures')
NUMERIC = ['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']
L2 = 1e-4


def load():
    frame = pd.read_csv(os.path.join(FIXTURES, 'telco_customer_churn.csv'), dtype={'TotalCharges': str})
    frame['TotalCharges'] = pd.to_numeric(frame['TotalCharges'].str.strip().replace('', '0'))
    y = (frame['Churn'] == 'Yes').astype(int).to_numpy()
    categorical = [c for c in frame.columns if c not in NUMERIC + ['customerID', 'Churn']]
    return frame[NUMERIC + categorical], y, categorical


def encoder(categorical):
    return ColumnTransformer([
        ('numeric', StandardScaler(), NUMERIC),
        ('categorical', OneHotEncoder(handle_unknown='ignore', sparse_output=False), categorical),
    ])


def main():
    x, y, categorical = load()
    with open(os.path.join(FIXTURES, 'telco-holdout.json')) as f:
        split = json.load(f)
    assert split['rows'] == len(y), 'telco-holdout.json was written for another file'
    is_holdout = np.zeros(len(y), dtype=bool)
    is_holdout[split['holdout']] = True
    x_train, y_train, x_hold, y_hold = x[~is_holdout], y[~is_holdout], x[is_holdout], y[is_holdout]

    c = 1.0 / (2.0 * len(y_train) * L2)
    logistic = make_pipeline(encoder(categorical), LogisticRegression(C=c, max_iter=5000))
    logistic.fit(x_train, y_train)
    p = logistic.predict_proba(x_hold)[:, 1]
    default_c = make_pipeline(encoder(categorical), LogisticRegression(max_iter=5000)).fit(x_train, y_train)

    mlp = make_pipeline(encoder(categorical), MLPClassifier(hidden_layer_sizes=(16, 8), solver='adam', learning_rate_init=0.01,
                                                            batch_size=64, max_iter=30, alpha=2 * L2 * 64, random_state=0))
    mlp.fit(x_train, y_train)
    p_mlp = mlp.predict_proba(x_hold)[:, 1]

    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=0)
    cv_auc = cross_val_score(make_pipeline(encoder(categorical), LogisticRegression(C=c, max_iter=5000)), x, y, cv=cv, scoring='roc_auc')

    p2 = np.round(p, 2)
    prob_true, prob_pred = calibration_curve(y_hold, p, n_bins=10, strategy='quantile')
    prob_true2, prob_pred2 = calibration_curve(y_hold, p2, n_bins=10, strategy='quantile')
    out = {
        'source': 'plugins/predictor-churn/test/reference/sklearn_churn_reference.py',
        'versions': {'sklearn': sklearn.__version__, 'numpy': np.__version__, 'pandas': pd.__version__},
        'rows': int(len(y)),
        'train_rows': int(len(y_train)),
        'holdout_rows': int(len(y_hold)),
        'encoded_columns': [str(n) for n in logistic[0].get_feature_names_out()],
        'logistic': {
            'C': c,
            'auc': float(roc_auc_score(y_hold, p)),
            'log_loss': float(log_loss(y_hold, p, eps=1e-15)),
            'brier': float(brier_score_loss(y_hold, p)),
            'train_auc': float(roc_auc_score(y_train, logistic.predict_proba(x_train)[:, 1])),
        },
        'logistic_default_c': {'C': 1.0, 'auc': float(roc_auc_score(y_hold, default_c.predict_proba(x_hold)[:, 1]))},
        'mlp': {'hidden_layer_sizes': [16, 8], 'auc': float(roc_auc_score(y_hold, p_mlp)), 'log_loss': float(log_loss(y_hold, p_mlp, eps=1e-15))},
        'cv': {'folds': 5, 'repeats': 3, 'auc_mean': float(cv_auc.mean()), 'auc_std': float(cv_auc.std())},
        'metrics_check': {
            'y': y_hold.tolist(),
            'p': p.tolist(),
            'auc': float(roc_auc_score(y_hold, p)),
            'log_loss': float(log_loss(y_hold, p, eps=1e-15)),
            'brier': float(brier_score_loss(y_hold, p)),
            'auc_rounded2': float(roc_auc_score(y_hold, p2)),
            'log_loss_rounded2': float(log_loss(y_hold, p2, eps=1e-15)),
            'calibration_prob_true': prob_true.tolist(),
            'calibration_prob_pred': prob_pred.tolist(),
            'calibration_prob_true_rounded2': prob_true2.tolist(),
            'calibration_prob_pred_rounded2': prob_pred2.tolist(),
        },
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
