#!/usr/bin/env python3
"""Independent reference for the KPI series test (apps/orchestrator/test/kpi-series.e2e.spec.ts).

Plain SQL over the invoices sample (python3's sqlite3, no workbench code): customers are split by the rule the
test's segmentation uses (frequency = distinct purchase invoices >= 2: 'Repeat', else 'One-time'), with
cancellations (invoice numbers starting with C) left out as `returns: exclude` does; then each segment's revenue
(sum of invoice amounts) and orders (distinct invoices) in March 2011 (UTC), and over the whole file.

    python3 samples/kpi-series-reference.py > samples/kpi-series-reference.json
"""
import csv
import json
import os
import sqlite3

here = os.path.dirname(os.path.abspath(__file__))
db = sqlite3.connect(':memory:')
db.execute('create table invoice (invoice_no text, invoice_date text, customer_id text, amount real)')
with open(os.path.join(here, 'online-retail-invoices.csv'), newline='') as f:
    rows = [(r['invoice_no'], r['invoice_date'], r['customer_id'], float(r['amount'])) for r in csv.DictReader(f)]
db.executemany('insert into invoice values (?, ?, ?, ?)', rows)

query = """
with purchase as (select * from invoice where invoice_no not like 'C%'),
segment as (
  select customer_id, case when count(distinct invoice_no) >= 2 then 'Repeat' else 'One-time' end as segment
  from purchase group by customer_id
)
select s.segment,
       round(sum(case when p.invoice_date >= '2011-03-01' and p.invoice_date < '2011-04-01' then p.amount else 0 end), 2),
       count(distinct case when p.invoice_date >= '2011-03-01' and p.invoice_date < '2011-04-01' then p.invoice_no end),
       round(sum(p.amount), 2),
       count(distinct p.invoice_no),
       count(distinct p.customer_id)
from purchase p join segment s using (customer_id)
group by s.segment order by s.segment
"""
out = {
    'month': '2011-03',
    'segments': {
        segment: {'revenue': revenue, 'orders': orders, 'totalRevenue': total, 'totalOrders': total_orders, 'customers': customers}
        for segment, revenue, orders, total, total_orders, customers in db.execute(query)
    },
}
print(json.dumps(out, indent=2))
