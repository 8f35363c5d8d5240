"""The rule that a skipped test fails the run, and the site served once for parallel runs.

A skipped test is a failure hidden: `make test` must not pass with one, so any skip turns
the exit status non-zero and is listed at the end (with pytest-xdist, the controller hears
every worker's reports, so the rule holds there too).
"""

import pytest
from site_server import SharedSite

from lesson_code.landscapes import FACTORIES, LANDSCAPES
from lesson_code.optimizers import OPTIMIZERS, REGISTRY

_shared_site = SharedSite()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist's controller, before it starts each worker: the built site can only be
    served on the port of its site_url, so it is served once, here, and every worker is
    told where (tests/browser/conftest.py's site_root reads it)."""
    _shared_site.serve()
    node.workerinput["ravine_site_root"] = _shared_site.root
    node.workerinput["ravine_site_error"] = _shared_site.error


def pytest_unconfigure(config):
    _shared_site.close()


@pytest.fixture
def registries():
    """lesson_code's registries as they were once the test is over: an optimizer or a
    landscape the test registers (the way the README says) is gone afterwards."""
    saved = [(registry, dict(registry))
             for registry in (REGISTRY, OPTIMIZERS, LANDSCAPES, FACTORIES)]
    yield
    for registry, before in saved:
        registry.clear()
        registry.update(before)

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
