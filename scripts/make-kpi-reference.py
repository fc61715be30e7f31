#!/usr/bin/env python3
"""Build reference/kolada-kpi.tsv (id, title) from a Kolada KPI metadata CSV export.

The app ships this list so an indicator's Kolada id can be searched offline. Källa: Kolada.
Usage: scripts/make-kpi-reference.py ../shared/fixtures/kolada/meta/kpi.csv > reference/kolada-kpi.tsv
"""
import csv
import sys

rows = []
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        kpi_id = r["concept"].strip()
        title = " ".join(r["name"].split())
        if kpi_id and title:
            rows.append((kpi_id, title))
rows.sort()
print("# Kolada KPI list (id<TAB>title). Källa: Kolada. Built by scripts/make-kpi-reference.py.")
for kpi_id, title in rows:
    print(f"{kpi_id}\t{title}")
