#!/usr/bin/env python3
"""Write seeds/sjobacka-2026-08.se: the demo municipality Sjöbacka's SIE 4 file for
January–August 2026, as its ekonomisystem would export it for the delårsrapport.

Fictional: Sjöbacka kommun (about 1,1 mdkr net cost, tax revenue about 840 mnkr a year;
the nämnder's budgets and the projects' spending are those of the demo's economy seed),
eight nämnder on dimension 1 (Ansvar), six investment projects on dimension 6 (Projekt),
accounts after Kommun-Bas 13 with Swedish names. Encoded in code page 437 (#FORMAT PC8).

Holds: opening balances (#IB 0, and #UB -1 with the same values), monthly outcomes
(#PSALDO) January–August 2026 per ansvar and account with the account totals ({}), the
same months of 2025 as totals, monthly budgets (#PBUDGET) January–December 2026 per ansvar
and account with totals, and the projects' spending on the balance accounts. Every month's
rows sum to zero (double entry), so the balance sheet balances. Socialnämnden runs over its
budget; Kommunstyrelsen a little under.

Deterministic: run it again and the same bytes come out.
    python3 scripts/make-demo-sie.py
"""

import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "seeds" / "sjobacka-2026-08.se"
MNKR = 100_000_000  # öre in a million kronor
rng = random.Random(2026)

ACCOUNTS = {
    1010: "Balanserade utgifter för IT-system",
    1110: "Verksamhetsfastigheter",
    1119: "Ackumulerade avskrivningar verksamhetsfastigheter",
    1150: "Gator, vägar och parker",
    1181: "Pågående ny- och ombyggnad",
    1182: "Pågående anläggningsarbeten",
    1230: "Inventarier",
    1239: "Ackumulerade avskrivningar inventarier",
    1260: "Datautrustning",
    1310: "Aktier i koncernföretag",
    1380: "Andelar i Kommuninvest ekonomisk förening",
    1410: "Exploateringsfastigheter",
    1510: "Kundfordringar",
    1610: "Fordringar hos staten",
    1710: "Förutbetalda kostnader och upplupna intäkter",
    1810: "Kortfristiga placeringar",
    1930: "Bank",
    2020: "Resultatutjämningsreserv",
    2090: "Övrigt eget kapital",
    2210: "Avsättningar för pensioner",
    2215: "Särskild löneskatt på pensionsavsättning",
    2250: "Avsättning för återställning av deponi",
    2350: "Lån hos kreditinstitut",
    2440: "Leverantörsskulder",
    2710: "Personalens källskatt",
    2910: "Upplupna löner och semesterlöneskuld",
    2990: "Övriga upplupna kostnader och förutbetalda intäkter",
    3110: "Taxor och avgifter",
    3410: "Hyror och arrenden",
    3510: "Riktade statsbidrag",
    4510: "Lämnade bidrag till hushåll",
    4610: "Köp av huvudverksamhet",
    5110: "Löner månadsavlönad personal",
    5610: "Arbetsgivaravgifter",
    5710: "Pensionskostnader",
    5750: "Pensionsutbetalningar och särskild löneskatt",
    6110: "Lokalhyror",
    6410: "Förbrukningsmaterial och förbrukningsinventarier",
    6810: "Avskrivningar byggnader och anläggningar",
    6820: "Avskrivningar maskiner och inventarier",
    7010: "Köp av tjänster",
    8010: "Preliminär kommunalskatt",
    8050: "Skatteavräkning",
    8210: "Inkomstutjämningsbidrag",
    8250: "Kostnadsutjämningsbidrag",
    8280: "Kommunal fastighetsavgift",
    8290: "Generella bidrag från staten",
    8410: "Utdelning från koncernföretag",
    8440: "Ränteintäkter",
    8510: "Räntekostnader för lån",
    8550: "Ränta på pensionsavsättning",
}

# code, name, net cost budget (mnkr), revenue share of gross cost, personnel share of
# costs, depreciation (mnkr), cost deviation, revenue deviation
NAMNDER = [
    ("100", "Kommunstyrelsen", 98.0, 0.20, 0.45, 6.5, -0.030, 0.03),
    ("200", "Barn- och utbildningsnämnden", 412.0, 0.10, 0.62, 14.0, 0.017, 0.0),
    ("300", "Socialnämnden", 398.0, 0.14, 0.66, 5.0, 0.036, -0.02),
    ("400", "Samhällsbyggnadsnämnden", 62.0, 0.45, 0.30, 12.0, -0.021, 0.01),
    ("500", "Kultur- och fritidsnämnden", 41.0, 0.15, 0.45, 1.5, -0.013, -0.02),
    ("600", "Miljö- och byggnämnden", 9.8, 0.40, 0.75, 0.0, 0.02, -0.08),
    ("700", "Överförmyndarnämnden", 3.2, 0.05, 0.55, 0.0, 0.18, 0.0),
    ("800", "Valnämnden", 2.4, 0.02, 0.50, 0.0, -0.10, 0.0),
]

# code, name, account, spending Jan–Aug 2026 (mnkr)
PROJECTS = [
    ("P101", "Ny förskola Norr", 1181, 14.6),
    ("P102", "Om- och tillbyggnad Björkskolan", 1181, 11.2),
    ("P103", "VA-sanering", 1182, 4.1),
    ("P104", "Gång- och cykelväg", 1182, 6.9),
    ("P105", "Energieffektivisering Lindgården", 1181, 1.3),
    ("P106", "IT-infrastruktur skolor", 1260, 2.7),
]

# Central pension costs, tax, grants and financial items: account, budget for the year (mnkr,
# as the statements sign it), deviation of the outcome. Booked without ansvar
# (finansförvaltningen).
FINANCE = [
    (5750, -52.0, 0.04),
    (8010, 843.0, 0.008),
    (8050, -3.0, 0.5),
    (8210, 175.0, 0.005),
    (8250, 40.0, 0.0),
    (8280, 31.0, 0.01),
    (8290, 16.0, 0.0),
    (8410, 1.5, 0.0),
    (8440, 2.5, 0.10),
    (8510, -6.0, 0.06),
    (8550, -1.0, 0.0),
]

# Monthly weights of costs and revenue (July is the holiday month).
COST_WEIGHTS = [1.00, 0.97, 1.03, 1.00, 1.03, 1.06, 0.74, 0.95, 1.03, 1.04, 1.02, 1.13]
REVENUE_WEIGHTS = [0.98, 1.00, 1.02, 1.00, 1.00, 1.00, 0.88, 0.96, 1.02, 1.03, 1.02, 1.09]
MONTHS_DONE = 8


def spread(total, weights, noise=0.0):
    """Split an amount in öre over the months by weight (with a little noise), exactly."""
    w = [x * (1 + rng.uniform(-noise, noise)) for x in weights]
    s = sum(w)
    parts = [int(round(total * x / s)) for x in w]
    parts[-1] += total - sum(parts)
    return parts


def ore(mnkr):
    return int(round(mnkr * MNKR))


def amount(o):
    sign = "-" if o < 0 else ""
    o = abs(o)
    return f"{sign}{o // 100}.{o % 100:02d}"


def namnd_accounts(net, r, p, dep):
    """The year's budget per account (öre, debit positive) of a nämnd."""
    gross = net / (1 - r)
    revenue = gross * r
    costs = gross - dep
    personnel = costs * p
    other = costs - personnel
    acc = {
        3110: -revenue * 0.60,
        3410: -revenue * 0.10,
        3510: -revenue * 0.30,
        5110: personnel * 0.70,
        5610: personnel * 0.22,
        5710: personnel * 0.08,
        4610: other * 0.30,
        4510: other * 0.10,
        6110: other * 0.30,
        6410: other * 0.12,
        7010: other * 0.18,
    }
    if dep:
        acc[6810] = dep * 0.75
        acc[6820] = dep * 0.25
    return {a: ore(v) for a, v in acc.items() if abs(v) >= 0.0001}


def main():
    lines = []
    out = lines.append
    out("#FLAGGA 0")
    out('#PROGRAM "Sjöbacka Ekonomi" 12.4')
    out("#FORMAT PC8")
    out("#GEN 20260908")
    out("#SIETYP 4")
    out('#PROSA "Demonstrationsfil för Styrkort: påhittade siffror för Sjöbacka kommun."')
    out('#FNAMN "Sjöbacka kommun"')
    out("#ORGNR 212000-0000")
    out("#RAR 0 20260101 20261231")
    out("#RAR -1 20250101 20251231")
    out('#KPTYP "Kommun-Bas 13"')
    for a, name in ACCOUNTS.items():
        out(f'#KONTO {a} "{name}"')
    for a in ACCOUNTS:
        kind = "T" if a < 2000 else "S" if a < 3000 else "I" if a < 4000 or a in (8010, 8050, 8210, 8250, 8280, 8290, 8410, 8440) else "K"
        out(f"#KTYP {a} {kind}")
    out('#DIM 1 "Ansvar"')
    out('#DIM 6 "Projekt"')
    for code, name, *_ in NAMNDER:
        out(f'#OBJEKT 1 "{code}" "{name}"')
    for code, name, *_ in PROJECTS:
        out(f'#OBJEKT 6 "{code}" "{name}"')

    # Outcome and budget per ansvar, account and month (öre, debit positive).
    actual = {}  # (month, account) -> {object: öre}
    budget = {}
    depreciation = {m: {6810: 0, 6820: 0} for m in range(1, 13)}
    for code, name, net, r, p, dep, cost_dev, rev_dev in NAMNDER:
        for account, year_budget in namnd_accounts(net, r, p, dep).items():
            revenue = account < 4000
            weights = REVENUE_WEIGHTS if revenue else COST_WEIGHTS
            if code == "800":  # the election in September
                weights = [0.4, 0.4, 0.5, 0.5, 0.6, 0.8, 0.3, 1.6, 4.5, 0.8, 0.3, 0.3]
            months_budget = spread(year_budget, weights)
            dev = rev_dev if revenue else cost_dev
            if account in (6810, 6820):
                dev = 0.0
            months_actual = spread(round(year_budget * (1 + dev)), weights, noise=0.03)
            for m in range(1, 13):
                budget.setdefault((m, account), {})[code] = months_budget[m - 1]
                if m <= MONTHS_DONE:
                    actual.setdefault((m, account), {})[code] = months_actual[m - 1]
                    if account in (6810, 6820):
                        depreciation[m][account] += months_actual[m - 1]
    finance_actual = {}
    for account, year_budget, dev in FINANCE:
        signed = -ore(year_budget)  # debit positive
        if account == 8410:  # the dividend comes in May
            w = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
        else:
            w = [1.0] * 12
        for m, v in enumerate(spread(signed, w), start=1):
            budget.setdefault((m, account), {})[None] = v
        for m, v in enumerate(spread(round(signed * (1 + dev)), w), start=1):
            if m <= MONTHS_DONE:
                finance_actual[(m, account)] = v

    # Balance accounts: opening balances (kr → öre), monthly movements.
    ib = {
        1010: 3.2, 1110: 1180.0, 1119: -410.0, 1150: 210.0, 1181: 45.0, 1182: 12.0, 1230: 48.0,
        1239: -20.0, 1260: 6.5, 1310: 52.0, 1380: 14.0, 1410: 18.0, 1510: 22.0, 1610: 31.0,
        1710: 44.0, 1810: 25.0, 1930: 78.0, 2020: -35.0, 2210: -48.0, 2215: -11.6, 2250: -9.0,
        2350: -520.0, 2440: -58.0, 2710: -15.0, 2910: -62.0, 2990: -48.0,
    }
    ib = {a: ore(v) for a, v in ib.items()}
    ib[2090] = -sum(ib.values())  # övrigt eget kapital balances the opening sheet
    balance_moves = {}  # (month, account) -> öre
    project_moves = {}  # (month, project) -> öre
    for code, _name, account, spent in PROJECTS:
        for m, v in enumerate(spread(ore(spent), [0.6, 0.7, 0.9, 1.0, 1.2, 1.3, 0.5, 1.1], noise=0.2), start=1):
            project_moves[(m, code)] = v
            balance_moves[(m, account)] = balance_moves.get((m, account), 0) + v
    semester = [-3.0, -3.0, -3.2, -3.0, -3.3, 6.5, 9.0, 1.5]
    for m in range(1, MONTHS_DONE + 1):
        balance_moves[(m, 1119)] = -depreciation[m][6810]
        balance_moves[(m, 1239)] = -depreciation[m][6820]
        balance_moves[(m, 1510)] = ore(rng.uniform(-2.0, 2.0))
        balance_moves[(m, 2440)] = ore(rng.uniform(-4.0, 4.0))
        balance_moves[(m, 2910)] = ore(semester[m - 1])
        if m == 3:
            balance_moves[(m, 2350)] = ore(-20.0)  # a new loan in March
        result_rows = sum(sum(v.values()) for (mm, _a), v in actual.items() if mm == m)
        result_rows += sum(v for (mm, _a), v in finance_actual.items() if mm == m)
        others = sum(v for (mm, a), v in balance_moves.items() if mm == m and a != 1930)
        balance_moves[(m, 1930)] = -(result_rows + others)

    for a in sorted(ib):
        out(f"#IB 0 {a} {amount(ib[a])}")
    for a in sorted(ib):
        out(f"#UB -1 {a} {amount(ib[a])}")

    for m in range(1, MONTHS_DONE + 1):
        period = f"2026{m:02d}"
        for a in sorted(k[1] for k in actual if k[0] == m):
            rows = actual[(m, a)]
            out(f"#PSALDO 0 {period} {a} {{}} {amount(sum(rows.values()))}")
            for code in sorted(rows):
                out(f'#PSALDO 0 {period} {a} {{1 "{code}"}} {amount(rows[code])}')
        for a in sorted(k[1] for k in finance_actual if k[0] == m):
            out(f"#PSALDO 0 {period} {a} {{}} {amount(finance_actual[(m, a)])}")
        for a in sorted(k[1] for k in balance_moves if k[0] == m):
            out(f"#PSALDO 0 {period} {a} {{}} {amount(balance_moves[(m, a)])}")
        for code, _name, account, _spent in PROJECTS:
            out(f'#PSALDO 0 {period} {account} {{6 "{code}"}} {amount(project_moves[(m, code)])}')

    # The same months of 2025, as totals: a year with a little less of everything.
    for m in range(1, MONTHS_DONE + 1):
        period = f"2025{m:02d}"
        totals = {}
        for (mm, a), rows in actual.items():
            if mm == m:
                totals[a] = sum(rows.values())
        for (mm, a), v in finance_actual.items():
            if mm == m:
                totals[a] = v
        for a in sorted(totals):
            out(f"#PSALDO -1 {period} {a} {{}} {amount(round(totals[a] * 0.965))}")

    for m in range(1, 13):
        period = f"2026{m:02d}"
        for a in sorted(k[1] for k in budget if k[0] == m):
            rows = budget[(m, a)]
            out(f"#PBUDGET 0 {period} {a} {{}} {amount(sum(rows.values()))}")
            for code in sorted(c for c in rows if c is not None):
                out(f'#PBUDGET 0 {period} {a} {{1 "{code}"}} {amount(rows[code])}')

    # A sample of August's vouchers (the balances above hold every month's total).
    out('#VER A 8123 20260825 "Löner augusti, Socialnämnden" 20260825')
    out("{")
    out('   #TRANS 5110 {1 "300"} 2145300.00')
    out("   #TRANS 2710 {} -643590.00")
    out("   #TRANS 1930 {} -1501710.00")
    out("}")
    out('#VER B 5512 20260828 "Faktura Björkskolan, etapp 2" 20260828')
    out("{")
    out('   #TRANS 1181 {6 "P102"} 1880000.00')
    out("   #TRANS 2440 {} -1880000.00")
    out("}")

    text = "\r\n".join(lines) + "\r\n"
    OUT.write_bytes(text.encode("cp437"))
    print(f"{OUT}: {len(lines)} lines, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
