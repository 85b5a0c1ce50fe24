"""The access matrix's size, printed at the end of a run that ran the access tests (issue 6 asks
for the number of URL × role × method cases)."""


def pytest_terminal_summary(terminalreporter):
    ran = any(
        "tests/gridapp/test_access" in getattr(report, "nodeid", "")
        for reports in terminalreporter.stats.values()
        for report in reports
    )
    if not ran:
        return
    from .test_access_roles import case_counts

    counts = case_counts()
    parts = ", ".join(f"{name} {n}" for name, n in counts.items() if name != "total")
    terminalreporter.write_line(f"access matrix: {counts['total']} URL × role × method cases ({parts})")
