"""A real-looking case file for the province-scope tests (issue 25): case ids and districts that appear nowhere
else, a small count outside the scope (Kampot: 4 cases in 2014, hidden in public), and enough cases elsewhere for
public national figures."""

from __future__ import annotations

from datetime import date, timedelta

from dashboard.access import auth
from dashboard.data import db
from dashboard.data.ingest import ingest_file

PASSWORD = "a long enough passphrase"
#: The scope of the scoped users: Siem Reap (17) and Oddar Meanchey (22).
SCOPE = ("17", "22")
#: (province, district, case-id prefix, cases in 2014, cases in Q1 2015)
PLAN = (
    ("Siem Reap", "Puok", "SRP", 24, 6),
    ("Oddar Meanchey", "Samraong", "ODM", 13, 2),
    ("Kampot", "Chhuk", "KPT", 4, 1),
    ("Phnom Penh", "Tuol Kouk", "PNH", 40, 12),
    ("Battambang", "Thma Koul", "BTB", 18, 5),
)
OUTSIDE_PREFIXES = ("KPT", "PNH", "BTB")
OUTSIDE_DISTRICTS = ("Chhuk", "Tuol Kouk", "Thma Koul")
INSIDE_PREFIXES = ("SRP", "ODM")
COVERAGE = (b"province,start_date\nSiem Reap,2013-07-01\nOddar Meanchey,2014-01-01\nKampot,2013-10-01\n"
            b"Phnom Penh,2013-07-01\nBattambang,2013-07-01\n")


def case_file() -> bytes:
    """Cases of :data:`PLAN`, every third one without an arrest, the last one on 2015-04-20."""
    lines = ["case_id,date_reported,province,district,offence,arrest_made,arrest_date"]
    for province, district, prefix, in_2014, in_2015 in PLAN:
        days = [date(2014, 1, 3) + timedelta(days=(360 * i) // max(in_2014, 1)) for i in range(in_2014)]
        days += [date(2015, 1, 5) + timedelta(days=(80 * i) // max(in_2015, 1)) for i in range(in_2015)]
        for n, day in enumerate(days, 1):
            arrested = n % 3 != 0
            arrest = (day + timedelta(days=4)).isoformat() if arrested else ""
            lines.append(f"{prefix}-{n:04d},{day.isoformat()},{province},{district},child rape / sexual abuse,"
                         f"{'yes' if arrested else 'no'},{arrest}")
    lines.append("PNH-9999,2015-04-20,Phnom Penh,Tuol Kouk,homicide,yes,2015-04-22")
    return ("\n".join(lines) + "\n").encode()


def scoped_database(url: str) -> object:
    """The database at ``url`` with the file and its coverage ingested, a scoped analyst ``sra``, a scoped
    leadership user ``srl``, an unscoped analyst ``ana`` and an admin ``root-admin``."""
    engine = db.open_engine(url)
    assert ingest_file(engine, case_file(), "cases.csv").written
    assert ingest_file(engine, COVERAGE, "coverage.csv", kind="coverage").written
    auth.add_user(engine, "sra", "analyst", PASSWORD, provinces=SCOPE)
    auth.add_user(engine, "srl", "leadership", PASSWORD, provinces=SCOPE)
    auth.add_user(engine, "ana", "analyst", PASSWORD)
    auth.add_user(engine, "root-admin", "admin", PASSWORD)
    return engine
