"""Independent reference figures for the transactions ingest and RFM features, computed with pandas.

Run with Debian's pandas:  /usr/bin/python3 libs/data/test/reference/compute_reference.py [online_retail.csv]
Writes reference.json beside this script (from the committed fixtures); with the path of the full
online_retail.csv it also writes online-retail-full.json (used by tools/bench/src/ingest.bench.ts).
The definitions follow libs/data/README.md; nothing here imports the TypeScript code.
"""
import json
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', '..', 'plugin-sdk', 'test', 'fixtures')


def online_retail(path, with_features):
    df = pd.read_csv(path, dtype={'InvoiceNo': str, 'StockCode': str, 'CustomerID': str}, keep_default_na=False, na_values=[])
    rows = len(df)
    has_customer = df['CustomerID'].str.strip() != ''
    kept = df[has_customer].copy()
    kept['customer'] = kept['CustomerID'].astype(float).astype('int64').astype(str)
    kept['amount'] = kept['Quantity'].astype(float) * kept['UnitPrice'].astype(float)
    kept['is_return'] = kept['InvoiceNo'].str.startswith('C') | (kept['Quantity'] < 0)
    kept['ts'] = pd.to_datetime(kept['InvoiceDate'], format='%Y-%m-%d %H:%M:%S')
    out = {
        'rowsRead': rows,
        'emptyCustomerId': int((~has_customer).sum()),
        'rowsAccepted': len(kept),
        'returnRows': int(kept['is_return'].sum()),
        'returnRowsExcluded': int(kept['is_return'].sum()),
        'customers': int(kept['customer'].nunique()),
        'orders': int(kept['InvoiceNo'].nunique()),
        'amountSum': float(kept['amount'].sum()),
        'firstTimestamp': kept['ts'].min().isoformat(),
        'lastTimestamp': kept['ts'].max().isoformat(),
    }
    if with_features:
        kept['day'] = kept['ts'].dt.normalize()
        ref = kept['day'].max() + pd.Timedelta(days=1)
        buys = kept[~kept['is_return']]
        g = buys.groupby('customer')
        first, last = g['day'].min(), g['day'].max()
        n_days = g['day'].nunique()
        frequency = g['InvoiceNo'].nunique()
        monetary = kept.groupby('customer')['amount'].sum().reindex(frequency.index)
        inter = ((last - first).dt.days / (n_days - 1)).where(n_days > 1)
        feats = pd.DataFrame({
            'recency_days': (ref - last).dt.days,
            'frequency': frequency,
            'monetary': monetary,
            'mean_order_value': monetary / frequency,
            'tenure_days': (ref - first).dt.days,
            'mean_interpurchase_days': inter,
            'active_months': g['day'].apply(lambda d: d.dt.to_period('M').nunique()),
        })
        out['referenceDate'] = ref.date().isoformat()
        out['customersWithoutPurchases'] = int(kept['customer'].nunique() - len(feats))
        out['features'] = {cid: {k: (None if pd.isna(v) else float(v)) for k, v in row.items()} for cid, row in feats.iterrows()}
    return out


def cdnow(path):
    df = pd.read_csv(path, dtype={'date': str})
    return {'rowsRead': len(df), 'customers': int(df['masterid'].nunique()), 'salesSum': float(df['sales'].sum()), 'cdsSum': int(df['cds'].sum())}


def main():
    ref = {
        'generatedBy': 'libs/data/test/reference/compute_reference.py, pandas ' + pd.__version__,
        'onlineRetailSample': online_retail(os.path.join(FIXTURES, 'online-retail-sample.csv'), True),
        'cdnowElog': cdnow(os.path.join(FIXTURES, 'cdnowElog.csv')),
    }
    with open(os.path.join(HERE, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=1, sort_keys=True)
    if len(sys.argv) > 1:
        full = online_retail(sys.argv[1], False)
        full['generatedBy'] = ref['generatedBy']
        with open(os.path.join(HERE, 'online-retail-full.json'), 'w') as f:
            json.dump(full, f, indent=1, sort_keys=True)


main()
