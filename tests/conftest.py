"""Shared paths, and the rule that a skipped test fails the run.

A skipped test is a failure hidden: `make test` must not pass with one, so any skip turns
the exit status non-zero and is listed at the end.
"""

import pytest

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.section("skipped tests count as failures")
        for nodeid in _skipped:
            terminalreporter.write_line(f"SKIPPED (failure): {nodeid}")


def pytest_sessionfinish(session, exitstatus):
    if _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
