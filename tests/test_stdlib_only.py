"""lesson_code runs in Pyodide's core: it imports the standard library only."""

import ast
import json
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "lesson_code"


def test_importing_lesson_code_adds_only_standard_library_modules():
    probe = ("import json, sys; before = set(sys.modules); "
             "import lesson_code, lesson_code.browser; "
             "print(json.dumps(sorted(set(sys.modules) - before)))")
    out = subprocess.run([sys.executable, "-c", probe], check=True,
                         capture_output=True, text=True,
                         cwd=PACKAGE.parent).stdout
    added = {name.split(".")[0] for name in json.loads(out)}
    assert "lesson_code" in added
    outside = added - set(sys.stdlib_module_names) - {"lesson_code"}
    assert not outside, f"non-stdlib modules imported: {sorted(outside)}"


def test_every_import_statement_names_the_stdlib_or_the_package_itself():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, (
                    f"{path.name} imports {name}")


def test_package_declares_version_docstring_and_all():
    import lesson_code
    assert lesson_code.__version__ == "0.1.0"
    assert lesson_code.__doc__.strip()
    for name in lesson_code.__all__:
        assert getattr(lesson_code, name).__doc__ or name.isupper(), name
