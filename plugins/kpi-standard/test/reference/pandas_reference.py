"""Independent reference figures for kpi-standard, computed with pandas from the raw CSV files.

    /usr/bin/python3 plugins/kpi-standard/test/reference/pandas_reference.py > plugins/kpi-standard/test/reference/reference.json

Reads the committed fixtures of the workspace (libs/plugin-sdk/test/fixtures/PROVENANCE.md) directly; shares no code
with the plugin or with libs/data. Definitions (README of kpi-standard):
- customers: ids with at least one purchase line (not a return) before the reference date;
- segment: integer customer id mod 3;
- window [ref - windowDays, ref) or the whole history; revenue: sum of all amounts (returns negative)
  in the window; orders: distinct invoice numbers of purchase lines (Online Retail) or distinct
  purchase days (CDNOW, no order ids) in the window;
- AOV = revenue / orders; frequency = orders / customers; CLV = revenue / customers;
- recency: mean over customers of (reference day - day of the last purchase);
- repeat rate: customers with >= 2 orders / customers with >= 1 order (both in the window);
- retention: of customers with a purchase in [ref - 2w, ref - w), the share with one in [ref - w, ref);
- cohort retention: acquisition month = month of the first purchase; pooled share of the customers
  whose month k after acquisition ended by the reference date who purchased in it.
"""
import json
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', '..', '..', 'libs', 'plugin-sdk', 'test', 'fixtures')
SEGMENTS = 3


def figures(tx, reference, window_days, active_days, cohort_months):
    """tx: customer (int), order (str, or None for purchase days), ts (Timestamp), amount, is_return."""
    tx = tx[tx.ts < reference].copy()
    purchases = tx[~tx.is_return]
    customers = pd.Index(sorted(purchases.customer.unique()), name='customer')
    tx = tx[tx.customer.isin(customers)]
    purchases = tx[~tx.is_return]
    segment = pd.Series(customers % SEGMENTS, index=customers)

    start = reference - pd.Timedelta(days=window_days) if window_days else tx.ts.min().normalize()
    in_window = tx[tx.ts >= start]
    win_purchases = in_window[~in_window.is_return]
    revenue = in_window.groupby('customer').amount.sum().reindex(customers, fill_value=0.0)
    if win_purchases.order.isna().all():
        orders = win_purchases.assign(day=win_purchases.ts.dt.normalize()).groupby('customer').day.nunique()
    else:
        orders = win_purchases.groupby('customer').order.nunique()
    orders = orders.reindex(customers, fill_value=0)

    ref_day = reference.normalize()
    last = purchases.groupby('customer').ts.max().dt.normalize()
    recency = (ref_day - last).dt.days.astype(float)

    w = pd.Timedelta(days=active_days)
    prev = set(purchases[(purchases.ts >= reference - 2 * w) & (purchases.ts < reference - w)].customer)
    curr = set(purchases[(purchases.ts >= reference - w) & (purchases.ts < reference)].customer)

    first_month = purchases.groupby('customer').ts.min().dt.to_period('M')
    months = purchases.assign(month=purchases.ts.dt.to_period('M'))[['customer', 'month']].drop_duplicates()
    months['k'] = [(m - first_month[c]).n for c, m in zip(months.customer, months.month)]
    last_complete = reference.to_period('M') - 1
    observed = pd.Series([(last_complete - first_month[c]).n for c in customers], index=customers)

    out = {}
    groups = {str(s): customers[segment.values == s] for s in range(SEGMENTS)}
    groups['all'] = customers
    for name, ids in groups.items():
        r = float(revenue[ids].sum())
        o = int(orders[ids].sum())
        n = len(ids)
        buyers = int((orders[ids] >= 1).sum())
        prev_ids = [c for c in ids if c in prev]
        cohort = {}
        for k in range(1, cohort_months + 1):
            eligible = [c for c in ids if observed[c] >= k]
            active = months[(months.k == k) & months.customer.isin(eligible)].customer.nunique()
            cohort[str(k)] = {'eligible': len(eligible), 'active': int(active)}
        out[name] = {
            'customers': n,
            'orders': o,
            'revenue': r,
            'aov': r / o if o else None,
            'frequency': o / n,
            'clv': r / n,
            'recency_days': float(recency[ids].mean()),
            'purchasers': buyers,
            'repeat_rate': float((orders[ids] >= 2).sum()) / buyers if buyers else None,
            'previously_active': len(prev_ids),
            'retention': sum(c in curr for c in prev_ids) / len(prev_ids) if prev_ids else None,
            'cohort': cohort,
        }
    matrix = {}
    for m, ids in first_month.groupby(first_month).groups.items():
        size = len(ids)
        active = months[months.customer.isin(ids)].groupby('k').customer.nunique()
        matrix[str(m)] = {
            'size': size,
            'retention': [float(active.get(k, 0)) / size if m + k <= last_complete else None for k in range(cohort_months + 1)],
        }
    return {
        'referenceDate': reference.isoformat() + 'Z',
        'windowDays': window_days,
        'activeDays': active_days,
        'windowStart': start.isoformat() + 'Z',
        'segments': out,
        'cohortMatrix': matrix,
    }


def online_retail():
    d = pd.read_csv(os.path.join(FIXTURES, 'online-retail-sample.csv'), dtype={'InvoiceNo': str, 'StockCode': str})
    d = d.dropna(subset=['CustomerID'])
    tx = pd.DataFrame({
        'customer': d.CustomerID.astype(float).astype(int),
        'order': d.InvoiceNo.str.strip(),
        'ts': pd.to_datetime(d.InvoiceDate, format='%Y-%m-%d %H:%M:%S'),
        'amount': d.Quantity * d.UnitPrice,
        'is_return': d.InvoiceNo.str.startswith('C') | (d.Quantity < 0),
    })
    reference = tx.ts.max().normalize() + pd.Timedelta(days=1)
    return figures(tx, reference, None, 3, 1)


def cdnow():
    d = pd.read_csv(os.path.join(FIXTURES, 'cdnowElog.csv'))
    tx = pd.DataFrame({
        'customer': d.sampleid.astype(int),
        'order': None,
        'ts': pd.to_datetime(d.date.astype(str), format='%Y%m%d'),
        'amount': d.sales.astype(float),
        'is_return': d.cds < 0,
    })
    reference = tx.ts.max().normalize() + pd.Timedelta(days=1)
    return figures(tx, reference, 365, 90, 12)


if __name__ == '__main__':
    json.dump({'generator': f'pandas_reference.py (pandas {pd.__version__})', 'segmentRule': 'integer customer id mod 3',
               'onlineRetailSample': online_retail(), 'cdnowElog': cdnow()}, sys.stdout, indent=1)
    sys.stdout.write('\n')
