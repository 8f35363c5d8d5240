"""A missing prerequisite stops `make` with a message that names it."""

import os
import pathlib
import subprocess

from paths import ROOT

CHECK = ["sh", str(ROOT / "scripts" / "check-prereqs.sh")]


def run(*what, **env):
    return subprocess.run([*CHECK, *what], capture_output=True, text=True,
                          env={**os.environ, **env})


def fake_tool(folder, name, script):
    path = pathlib.Path(folder) / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return path


def test_this_machine_has_python_and_npm():
    result = run("python", "npm")
    assert result.returncode == 0, result.stderr


def test_an_old_python_is_named(tmp_path):
    old = fake_tool(tmp_path, "python3.9", 'case "$2" in *print*) echo 3.9.2;; esac; exit 1')
    result = run("python", PYTHON=str(old))
    assert result.returncode == 1
    assert "Python 3.11 or newer is required" in result.stderr
    assert "3.9.2" in result.stderr


def test_a_missing_python_is_named():
    result = run("python", PYTHON="no-such-python3")
    assert result.returncode == 1
    assert "'no-such-python3' was not found" in result.stderr


def test_missing_npm_is_named(tmp_path):
    # A PATH with the shell's basic tools but no node or npm.
    for tool in ("sh", "id", "dirname"):
        os.symlink(f"/bin/{tool}", tmp_path / tool)
    result = run("npm", PATH=str(tmp_path))
    assert result.returncode == 1
    assert "'node' was not found" in result.stderr or "'npm' was not found" in result.stderr


def test_missing_chromium_is_named_when_it_cannot_be_installed():
    result = run("chromium", CHROMIUM="/nonexistent/chromium")
    assert result.returncode == 1
    assert "Chromium" in result.stderr and "apt-get install chromium" in result.stderr
