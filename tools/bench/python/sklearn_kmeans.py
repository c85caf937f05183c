#!/usr/bin/python3
"""Fits sklearn KMeans on a float64 row-major matrix written by kmeans.bench.ts and prints JSON figures.

usage: sklearn_kmeans.py FILE ROWS FEATURES K SEED
"""
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans


def main():
    path, rows, features, k, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    x = np.fromfile(path, dtype='<f8').reshape(rows, features)
    model = KMeans(n_clusters=k, n_init=1, algorithm='lloyd', init='k-means++', random_state=seed)
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    print(json.dumps({
        'sklearn': sklearn.__version__,
        'fitMs': seconds * 1000,
        'iterations': int(model.n_iter_),
        'inertia': float(model.inertia_),
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == '__main__':
    main()
