"""One line of `make bench`'s summary table, printed by a benchmark and collected by run_all.py."""

MARK = "SUMMARY\t"


def report(figure: str, limit: str, value: str, target: str, ok: bool | None) -> bool:
    """Print a figure for the summary table; ok None means "no target, shown for reading"."""
    verdict = "" if ok is None else "pass" if ok else "miss"
    print(f"{MARK}{figure}\t{limit}\t{value}\t{target}\t{verdict}", flush=True)
    return ok is not False
