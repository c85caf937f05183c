#!/usr/bin/python3
"""The scikit-learn side of peer.bench.ts: k-means as segmenter-kmeans is configured there, and the ARI.

usage: sklearn_peer.py kmeans FEATURES ROWS SEED LABELS_OUT   (FEATURES: float64 row-major recency, frequency, monetary)
       sklearn_peer.py ari LABELS_A LABELS_B                   (int32 files, same customers in the same order)

Prints JSON with the milliseconds of the work a notebook would time (scaling + fit; the ARI), not the
interpreter's start or the file read.
"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score


def main():
    if sys.argv[1] == 'kmeans':
        path, rows, seed, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        x = np.fromfile(path, dtype='<f8').reshape(rows, 3)
        start = time.perf_counter()
        x[:, 1] = np.log1p(x[:, 1])  # logFeatures: ['frequency']
        x = (x - x.mean(axis=0)) / x.std(axis=0)  # standardize: 'zscore'
        model = KMeans(n_clusters=8, n_init=1, algorithm='lloyd', init='k-means++', random_state=seed).fit(x)
        ms = (time.perf_counter() - start) * 1000
        model.labels_.astype('<i4').tofile(out)
        print(json.dumps({'ms': ms, 'iterations': int(model.n_iter_), 'inertia': float(model.inertia_)}))
    else:
        a = np.fromfile(sys.argv[2], dtype='<i4')
        b = np.fromfile(sys.argv[3], dtype='<i4')
        start = time.perf_counter()
        ari = adjusted_rand_score(a, b)
        print(json.dumps({'ms': (time.perf_counter() - start) * 1000, 'ari': float(ari)}))


if __name__ == '__main__':
    main()
