#!/usr/bin/env python3
"""Build seeds/kolada-demo.json: real Kolada values (Källa: Kolada) for the KPIs the demo
municipality links to, every municipality and Riket, the last three years in the shared
fixtures, wrapped as a Kolada API v3 response. Run from the repository root:
    python3 scripts/make-demo-kolada.py ../shared/fixtures/kolada
"""
import csv
import json
import sys
from pathlib import Path

KPIS = ["N00090", "N00097", "N03102", "N15027", "N01951", "N00945", "N03002"]
YEARS = {2020, 2021, 2022}

def main(fixtures: Path) -> None:
    rows = []
    for kpi in KPIS:
        totals = {}
        with open(fixtures / "by-year" / f"{kpi.lower()}.csv", newline="") as f:
            for r in csv.DictReader(f):
                year = int(r["year"])
                if year in YEARS and r[kpi.lower()] != "":
                    totals[(r["geo"], year)] = [{"gender": "T", "value": float(r[kpi.lower()])}]
        gender_file = fixtures / "by-gender" / f"{kpi.lower()}.csv"
        if gender_file.exists():
            with open(gender_file, newline="") as f:
                for r in csv.DictReader(f):
                    key = (r["geo"], int(r["year"]))
                    if key in totals and r[kpi.lower()] != "":
                        totals[key].append({"gender": r["gender"], "value": float(r[kpi.lower()])})
        for (geo, year), values in sorted(totals.items()):
            rows.append({
                "kpi": kpi, "municipality": geo, "period": year,
                "values": [{"count": 1, "gender": v["gender"], "status": "", "value": v["value"], "isdeleted": False} for v in values],
            })
    out = {"count": len(rows), "values": rows, "next_url": None, "previous_url": None}
    Path("seeds/kolada-demo.json").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(rows)} rows")

if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures/kolada"))
