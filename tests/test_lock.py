"""requirements.lock pins every Python dependency (transitive ones too) with hashes, and
agrees with the exact pins of pyproject.toml: change a pin without `make lock` and this
fails."""

import re
import tomllib

from paths import ROOT


def locked():
    """{normalized name: (version, number of hashes)} from requirements.lock."""
    text = (ROOT / "requirements.lock").read_text()
    out = {}
    for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)((?:\s*\\\s*--hash=sha256:[0-9a-f]{64})*)",
                         text, re.M):
        out[normalize(m[1])] = (m[2], m[3].count("--hash=sha256:"))
    return out


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pin_of_pyproject_is_locked_at_the_same_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [p for extra in project["project"]["optional-dependencies"].values() for p in extra]
    lock = locked()
    for pin in pins:
        name, version = pin.split("==")
        assert normalize(name) in lock, f"{name} is not in requirements.lock: run `make lock`"
        assert lock[normalize(name)][0] == version, \
            f"{name}: pyproject pins {version}, the lock {lock[normalize(name)][0]}: run `make lock`"


def test_every_locked_package_has_a_hash_and_transitive_ones_are_there():
    lock = locked()
    assert all(hashes >= 1 for _, hashes in lock.values())
    # packages nobody pins directly, pulled in by the site's tools
    assert {"jinja2", "markdown", "pyyaml", "nbformat"} <= set(lock)
    text = (ROOT / "requirements.lock").read_text()
    assert "file://" not in text and "/opt/" not in text  # nothing of this machine's setup
