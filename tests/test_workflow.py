"""The publishing workflow (.github/workflows/pages.yml) passes zizmor (offline, pedantic)
and the GitHub workflow schema; its actions are pinned to commits with their tags beside
them; pull requests are tested and never published."""

import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from paths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
BIN = pathlib.Path(sys.executable).parent


def zizmor(path):
    return subprocess.run([BIN / "zizmor", "--offline", "--persona=pedantic", "--no-progress",
                           str(path)], capture_output=True, text=True)


def test_zizmor_finds_nothing_in_the_workflow():
    result = zizmor(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize("step, audit", [
    ("- uses: actions/checkout@v4\n        with:\n          persist-credentials: false",
     "unpinned-uses"),
    ("- uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1",
     "artipacked"),
])
def test_zizmor_would_catch_a_tag_or_persisted_credentials(tmp_path, step, audit):
    """The lint can fail: an action by tag, or a checkout that keeps its token."""
    text = WORKFLOW.read_text()
    checkout = re.search(r"- uses: actions/checkout@.*\n(?:        .*\n)*", text)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    bad = tmp_path / ".github" / "workflows" / "pages.yml"
    bad.write_text(text[:checkout.start()] + step + "\n" + text[checkout.end():])
    result = zizmor(bad)
    assert result.returncode != 0 and audit in result.stdout, result.stdout + result.stderr


def test_the_workflow_matches_the_github_workflow_schema():
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema",
                             "vendor.github-workflows", str(WORKFLOW)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_tag_beside_it():
    uses = re.findall(r"uses: ([\w./-]+)@(\S+)(.*)", WORKFLOW.read_text())
    assert len(uses) == 5, uses
    for action, ref, comment in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), action
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), action


def test_pull_requests_are_tested_and_only_main_is_published():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert flow["permissions"] == {}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert all("timeout-minutes" in job for job in flow["jobs"].values())
    run = " ".join(step.get("run", "") for step in build["steps"])
    assert "make test" in run and "scripts/same_site.py build/tested-site build/site" in run
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/site"  # what same_site.py checked
    assert upload["if"] == "github.event_name != 'pull_request'"
    assert deploy["if"] == ("github.event_name != 'pull_request' && "
                            "github.ref == 'refs/heads/main'")
