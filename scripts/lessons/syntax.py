"""What every lesson module shares: the fence pattern and the error that names
a page and a line."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?"
    r"(?P<lang>[\w-]*)(?P<options>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)


class LessonError(ValueError):
    """A lesson-syntax error, located at a line of a page."""

    def __init__(self, where, line, message):
        super().__init__(f"{where}:{line}: {message}")
