#!/usr/bin/python3
"""Fits sklearn KMeans on a float64 row-major matrix written by kmeans.bench.ts and prints JSON figures.

usage: sklearn_kmeans.py FILE ROWS FEATURES K SEED

Peak memory is reported with a baseline: the resident set size after the matrix is loaded, so
peakRssMb - baselineRssMb is what fit() needed (ru_maxrss is the process's high-water mark).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info


def resident_mb():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / (1024 * 1024)


def main():
    path, rows, features, k, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    x = np.fromfile(path, dtype='<f8').reshape(rows, features)
    baseline = resident_mb()
    threads = max([pool['num_threads'] for pool in threadpool_info() if pool.get('user_api') == 'openmp'] or [1])
    model = KMeans(n_clusters=k, n_init=1, algorithm='lloyd', init='k-means++', random_state=seed)
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    print(json.dumps({
        'engine': 'sklearn ' + sklearn.__version__,
        'threads': threads,
        'fitMs': seconds * 1000,
        'inputMs': 0,
        'iterations': int(model.n_iter_),
        'inertia': float(model.inertia_),
        'baselineRssMb': baseline,
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == '__main__':
    main()
