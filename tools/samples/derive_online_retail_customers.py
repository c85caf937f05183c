"""Derives the customer tables the demos ingest from UCI Online Retail (see samples/PROVENANCE.md).

Run with Debian's python3-pandas:
    /usr/bin/python3 tools/samples/derive_online_retail_customers.py ../shared/datasets/online_retail/online_retail.csv > samples/online-retail-customers.csv
    /usr/bin/python3 tools/samples/derive_online_retail_customers.py ../shared/datasets/online_retail/online_retail.csv 2011-07-01 > samples/online-retail-customers-2011-h1.csv

The optional second argument is the "as of" day: only invoices before it count, and recency is
counted from it (default 2011-12-10, the day after the last invoice).

One row per customer with an id and at least one purchase. Cancellations (invoice numbers starting
with 'C') and lines with a non-positive quantity or price are left out, so monetary is gross sales.
recency_days is counted from 2011-12-10, the day after the last invoice in the file.
"""
import sys

import pandas as pd

source = sys.argv[1]
as_of = pd.Timestamp(sys.argv[2] if len(sys.argv) > 2 else "2011-12-10")
df = pd.read_csv(source, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
df = df[df["CustomerID"].notna()]
df = df[~df["InvoiceNo"].str.startswith("C") & (df["Quantity"] > 0) & (df["UnitPrice"] > 0)]
df["customer_id"] = df["CustomerID"].str.replace(r"\.0$", "", regex=True)
df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
df = df[df["InvoiceDate"] < as_of]
df["line_total"] = df["Quantity"] * df["UnitPrice"]
reference = as_of

per_customer = df.groupby("customer_id").agg(
    country=("Country", lambda c: c.mode().iloc[0]),
    first_purchase=("InvoiceDate", "min"),
    last_purchase=("InvoiceDate", "max"),
    frequency=("InvoiceNo", "nunique"),
    monetary=("line_total", "sum"),
)
per_customer["recency_days"] = (reference - per_customer["last_purchase"].dt.normalize()).dt.days
per_customer["first_purchase"] = per_customer["first_purchase"].dt.strftime("%Y-%m-%d")
per_customer["last_purchase"] = per_customer["last_purchase"].dt.strftime("%Y-%m-%d")
per_customer["monetary"] = per_customer["monetary"].round(2)
columns = ["country", "first_purchase", "last_purchase", "recency_days", "frequency", "monetary"]
per_customer[columns].sort_index().to_csv(sys.stdout, lineterminator="\n")
