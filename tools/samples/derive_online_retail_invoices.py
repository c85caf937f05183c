"""Derives samples/online-retail-invoices.csv: one row per invoice of UCI Online Retail (see samples/PROVENANCE.md).

Run with Debian's python3-pandas:
    /usr/bin/python3 tools/samples/derive_online_retail_invoices.py ../shared/datasets/online_retail/online_retail.csv > samples/online-retail-invoices.csv
    /usr/bin/python3 tools/samples/derive_online_retail_invoices.py ../shared/datasets/online_retail/online_retail.csv 2011-07-01 > samples/online-retail-invoices-2011-h1.csv

Rows with a CustomerID only. amount = sum of quantity × unit price over the invoice's lines (negative
for cancellations, whose invoice numbers start with C), rounded to pence; invoice_date = the time of
its first line. The optional second argument keeps invoices before that day only.
"""
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1], dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
df = df[df["CustomerID"].notna()]
df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
if len(sys.argv) > 2:
    df = df[df["InvoiceDate"] < pd.Timestamp(sys.argv[2])]
df["customer_id"] = df["CustomerID"].str.replace(r"\.0$", "", regex=True)
df["line_total"] = df["Quantity"] * df["UnitPrice"]
invoices = df.groupby("InvoiceNo", sort=False).agg(
    invoice_date=("InvoiceDate", "min"),
    customer_id=("customer_id", "first"),
    amount=("line_total", "sum"),
)
invoices["amount"] = invoices["amount"].round(2)
invoices["invoice_date"] = invoices["invoice_date"].dt.strftime("%Y-%m-%d %H:%M:%S")
invoices.index.name = "invoice_no"
invoices.sort_values(["invoice_date", "invoice_no"]).to_csv(sys.stdout, lineterminator="\n")
