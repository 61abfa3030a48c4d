"""Print Locust's CSV stats as a table: requests, failures, p50/p95/p99 per page, and the total.

``python loadtest/report.py loadtest/results/stats`` (the ``--csv`` prefix). Exits 1 on any error.
"""

import csv
import sys
from pathlib import Path


def main(prefix: str) -> int:
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").open()))
    header = (
        f"{'page':<44} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50':>6} {'p95':>6} {'p99':>6}  (ms)"
    )
    print(header)
    print("-" * len(header))
    total_errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        if name == "ALL":
            print("-" * len(header))
        else:
            total_errors += int(row["Failure Count"])
        print(
            f"{(row['Type'] + ' ' + name).strip()[:44]:<44} "
            f"{row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open()))[:10]:
            print(
                f"error: {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error'][:160]}"
            )
    print(f"errors: {total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "loadtest/results/stats"))
