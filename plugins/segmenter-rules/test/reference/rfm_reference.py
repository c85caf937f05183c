#!/usr/bin/python3
"""Independent reference for the segmenter-rules RFM preset, computed with pandas.

Run with Debian's interpreter (python3-pandas), from the repository root:

    /usr/bin/python3 plugins/segmenter-rules/test/reference/rfm_reference.py \
        > plugins/segmenter-rules/test/fixtures/rfm-reference.json

It applies the common pandas RFM recipe to samples/online-retail-customers.csv, in file row order:

    R = qcut(recency_days.rank(method='first'), 5, labels=[5, 4, 3, 2, 1])
    F = qcut(frequency.rank(method='first'),    5, labels=[1, 2, 3, 4, 5])
    M = qcut(monetary.rank(method='first'),     5, labels=[1, 2, 3, 4, 5])

and names segments with the widely used regex map on the string R+F (`Series.replace(seg_map,
regex=True)`). It writes per-segment counts and means, the R x F cell counts, the size of every score
level, the smallest and largest raw value of every score level, a few named customers, and all scores
as one string of three digits (R, F, M) per customer in file order.

It also applies the rule set of the README's worked example with `numpy.select` (whose first true
condition wins, as in the plugin) and writes its segment counts.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, '..', '..', '..', '..', 'samples', 'online-retail-customers.csv')

SEG_MAP = {
    r'[1-2][1-2]': 'Hibernating',
    r'[1-2][3-4]': 'At Risk',
    r'[1-2]5': "Can't Lose Them",
    r'3[1-2]': 'About To Sleep',
    r'33': 'Need Attention',
    r'[3-4][4-5]': 'Loyal Customers',
    r'41': 'Promising',
    r'51': 'New Customers',
    r'[4-5][2-3]': 'Potential Loyalists',
    r'5[4-5]': 'Champions',
}
FEATURES = {'R': 'recency_days', 'F': 'frequency', 'M': 'monetary'}
# Customers whose scores the test names one by one: the first rows of the file and a few ties.
NAMED = ['12346', '12347', '12348', '12349', '12350', '12352', '14646', '18102', '17850', '13047', '16446', '12821']


# The README's worked example, in numpy.select's terms.
def rules_example(df):
    conditions = [
        (df['recency_days'] <= 30) & (df['frequency'] >= 5),
        df['monetary'] >= 5000,
        df['recency_days'] > 180,
        df['country'].isin(['Iceland']),
    ]
    names = ['Champions', 'Big spenders', 'Lapsed', 'Champions']
    segment = pd.Series(np.select(conditions, names, default='Other'))
    return {name: int((segment == name).sum()) for name in ['Champions', 'Big spenders', 'Lapsed', 'Other']}


def main():
    df = pd.read_csv(CSV, dtype={'customer_id': str})
    df['R'] = pd.qcut(df['recency_days'].rank(method='first'), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    df['F'] = pd.qcut(df['frequency'].rank(method='first'), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    df['M'] = pd.qcut(df['monetary'].rank(method='first'), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    df['segment'] = (df['R'].astype(str) + df['F'].astype(str)).replace(SEG_MAP, regex=True)

    segments = {}
    for name in SEG_MAP.values():
        members = df[df['segment'] == name]
        means = None
        if len(members) > 0:
            means = {col: float(members[col].astype(np.float64).mean()) for col in ['R', 'F', 'M', 'recency_days', 'frequency', 'monetary']}
        segments[name] = {'count': int(len(members)), 'means': means}

    cells = {f'{r}{f}': int(((df['R'] == r) & (df['F'] == f)).sum()) for r in range(1, 6) for f in range(1, 6)}
    levels = {}
    for score, feature in FEATURES.items():
        levels[score] = {
            str(s): {
                'count': int((df[score] == s).sum()),
                'min': float(df.loc[df[score] == s, feature].min()),
                'max': float(df.loc[df[score] == s, feature].max()),
            }
            for s in range(1, 6)
        }

    named = {}
    for cid in NAMED:
        row = df[df['customer_id'] == cid].iloc[0]
        named[cid] = {'R': int(row['R']), 'F': int(row['F']), 'M': int(row['M']), 'segment': row['segment']}

    out = {
        'source': 'plugins/segmenter-rules/test/reference/rfm_reference.py',
        'versions': {'pandas': pd.__version__, 'numpy': np.__version__},
        'csv': 'samples/online-retail-customers.csv',
        'customers': int(len(df)),
        'segments': segments,
        'rf_cells': cells,
        'score_levels': levels,
        'named_customers': named,
        'rules_example_counts': rules_example(df),
        'rfm_digits': ''.join(f'{r}{f}{m}' for r, f, m in zip(df['R'], df['F'], df['M'])),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
