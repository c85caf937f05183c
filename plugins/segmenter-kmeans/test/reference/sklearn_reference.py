#!/usr/bin/python3
"""Independent reference values for the segmenter-kmeans tests, computed with scikit-learn.

Run with Debian's interpreter (the one that has scikit-learn), from the repository root:

    /usr/bin/python3 plugins/segmenter-kmeans/test/reference/sklearn_reference.py \
        > plugins/segmenter-kmeans/test/fixtures/sklearn-reference.json

What it computes on the Mall Customers fixture (annual income and spending score):
- z-scores with the population standard deviation (StandardScaler, ddof=0), as the plugin does;
- KMeans(n_clusters=5, n_init=50, random_state=0): labels, inertia (scaled space), centroids in
  scaled space and in original units (mean of the members' original values);
- silhouette_score on the full scaled data for k = 2..8, each from a KMeans(n_init=50, random_state=0),
  and the k with the best silhouette;
- the silhouette of the k=5 labels twice: with sklearn's default euclidean metric (which uses the
  |x|^2 - 2x.y + |y|^2 expansion and so carries ~1e-8 rounding on near-duplicate points) and with an
  exactly computed distance matrix passed as metric='precomputed' (direct differences);
- the k=5 partition measured in original units: inertia about the members' original means and
  silhouette_score on the unscaled values (exact distances);
- the same k=5 fit with MinMaxScaler and with no scaling ('standardize': 'minmax' / 'none'): inertia and
  silhouette in the scaled space, the same in original units, and the labels.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, '..', 'fixtures', 'mall_customers.csv')
FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)']


def exact_distances(x):
    """Euclidean distances by direct differences (no dot-product expansion)."""
    diff = x[:, None, :] - x[None, :, :]
    return np.sqrt((diff * diff).sum(axis=2))


def main():
    frame = pd.read_csv(CSV)
    raw = frame[FEATURES].to_numpy(dtype=np.float64)
    scaler = StandardScaler()  # population std (ddof=0)
    x = scaler.fit_transform(raw)

    model = KMeans(n_clusters=5, n_init=50, random_state=0).fit(x)
    labels = model.labels_
    # Centroids in original units as the mean of the members' original values.
    centroids_original = np.array([raw[labels == c].mean(axis=0) for c in range(5)])
    distances = exact_distances(x)

    by_k = {}
    for k in range(2, 9):
        fit = KMeans(n_clusters=k, n_init=50, random_state=0).fit(x)
        by_k[str(k)] = {
            'inertia': float(fit.inertia_),
            'silhouette': float(silhouette_score(x, fit.labels_)),
            'silhouette_exact': float(silhouette_score(distances, fit.labels_, metric='precomputed')),
        }
    def in_original_units(labels, k):
        inertia = sum(float(((raw[labels == c] - raw[labels == c].mean(axis=0)) ** 2).sum()) for c in range(k))
        silhouette = float(silhouette_score(exact_distances(raw), labels, metric='precomputed'))
        return inertia, silhouette

    k5_inertia_original, k5_silhouette_original = in_original_units(labels, 5)
    other_scalings = {}
    for name, scaled in (('minmax', MinMaxScaler().fit_transform(raw)), ('none', raw.copy())):
        fit = KMeans(n_clusters=5, n_init=50, random_state=0).fit(scaled)
        inertia_original, silhouette_original = in_original_units(fit.labels_, 5)
        other_scalings[name] = {
            'labels': fit.labels_.tolist(),
            'inertia': float(fit.inertia_),
            'silhouette_exact': float(silhouette_score(exact_distances(scaled), fit.labels_, metric='precomputed')),
            'inertia_original': inertia_original,
            'silhouette_original_exact': silhouette_original,
        }

    best_k = max(range(2, 9), key=lambda k: by_k[str(k)]['silhouette_exact'])

    out = {
        'source': 'plugins/segmenter-kmeans/test/reference/sklearn_reference.py',
        'versions': {'sklearn': sklearn.__version__, 'numpy': np.__version__, 'pandas': pd.__version__},
        'features': FEATURES,
        'means': scaler.mean_.tolist(),
        'stds': scaler.scale_.tolist(),
        'k5': {
            'labels': labels.tolist(),
            'inertia': float(model.inertia_),
            'centroids_scaled': model.cluster_centers_.tolist(),
            'centroids_original': centroids_original.tolist(),
            'centroids_original_inverse_transform': scaler.inverse_transform(model.cluster_centers_).tolist(),
            'silhouette': float(silhouette_score(x, labels)),
            'silhouette_exact': float(silhouette_score(distances, labels, metric='precomputed')),
            'inertia_original': k5_inertia_original,
            'silhouette_original_exact': k5_silhouette_original,
        },
        'k5_by_scaling': other_scalings,
        'by_k': by_k,
        'best_k_by_silhouette': best_k,
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
