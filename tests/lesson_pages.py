"""Helpers shared by the lesson-page tests (tests/test_momentum_lesson.py,
tests/test_module_lessons.py): a built page's text, the check that every build-time
number shows in page order, and the prose a reader sees (for the no-typed-number scan).
"""

import html
import re
from html.parser import HTMLParser

from paths import DOCS

from scripts import lesson_hook as hook


class _MathAsTeX(HTMLParser):
    """HTML with each typeset formula (an arithmatex element holding KaTeX's HTML and
    MathML) put back as its TeX source, \\(…\\) inline or \\[…\\] for display, read from
    the TeX annotation KaTeX keeps; everything else passes through as it was."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out, self.depth, self.display, self.tex = [], 0, False, None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in VOID
            self.tex = "" if tag == "annotation" else self.tex
            return
        if dict(attrs).get("class") == "arithmatex":
            self.depth, self.display, self.tex = 1, tag == "div", None
            self.found = None
            return
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if not self.depth:
            self.out.append(f"</{tag}>")
            return
        if tag == "annotation":
            self.found, self.tex = self.tex, None
        self.depth -= 1
        if not self.depth:
            tex = html.escape(self.found or "", quote=False)
            # with spaces where the element's tags stood, as the text was before typesetting
            self.out.append(f" \\[{tex}\\] " if self.display else f" \\({tex}\\) ")

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)
        elif self.tex is not None:
            self.tex += data

    def handle_entityref(self, name):
        self.handle_data(f"&{name};" if not self.depth else html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.handle_data(f"&#{name};" if not self.depth else html.unescape(f"&#{name};"))

    def handle_startendtag(self, tag, attrs):
        if not self.depth:
            self.out.append(self.get_starttag_text())


VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed",
        "source", "track", "wbr", "mspace"}


def math_as_tex(built_html):
    parser = _MathAsTeX()
    parser.feed(built_html)
    parser.close()
    return "".join(parser.out)


def article_text(built_html):
    """The article's text, tags removed, whitespace collapsed, math as its TeX source
    (formulas are typeset when the site builds; KaTeX keeps the TeX); an image's alt text
    stays in its place, so its numbers are checked like the prose's."""
    article = re.search(r"<article[^>]*>(.*)</article>", built_html, re.S).group(1)
    article = math_as_tex(article)
    article = re.sub(r'<img\b[^>]*?\balt="([^"]*)"[^>]*>', r" \1 ", article)
    plain = html.unescape(re.sub(r"<[^>]+>", " ", article))
    return re.sub(r"\s+", " ", plain)


def substituted_page(page_name, module="optimizers"):
    """(Markdown body with its build-time numbers in, namespace), as the hook renders the
    page: its widget fences then parse as on the site."""
    path = DOCS / module / page_name
    body, meta = hook.get_data(path.read_text())
    ns = hook.namespace(meta, page_name, path)
    return hook.substitute(body, ns, page_name), ns


def assert_numbers_in_page_order(body, ns, text, where, skip_lines=()):
    """Every `{{ … }}` of body, evaluated in ns, shows in text after the previous one
    (so a short value such as "1" cannot match anywhere on the page). skip_lines: lines
    whose values a reader does not see as text (a widget's settings, checked elsewhere).
    Returns the (line, expression) pairs checked."""
    checked, position = [], 0
    for line, inner in hook.expressions(body):
        value = hook.evaluate(inner, ns, where, line)
        assert value and "nan" not in value.lower(), (where, line, inner)
        if line in skip_lines:
            continue
        at = text.find(value, position)
        assert at >= 0, (f"{where}:{line}: {{{{{inner}}}}} = {value!r} is not in the page "
                         f"after position {position} (…{text[max(0, position - 60):position]})")
        position = at + len(value)
        checked.append((line, inner))
    return checked


# Fields of widget fences that a reader reads as prose; the other fields are settings
# (a navigator's state, a prediction's race, an exercise's answer expression).
PROSE_FIELDS = {"exercise": ("title", "question", "choices", "hint", "solution"),
                "predict": ("title", "question", "choices", "explain"),
                "navigator": ("caption",)}


def setting_lines(body):
    """Line numbers of body that hold widget settings rather than prose: every line of a
    navigator fence but its caption, and the `setup:`/`answer:`/`tolerance:` fields of
    predict and exercise fences."""
    lines = set()
    for m in hook.FENCE.finditer(body):
        if m["lang"] not in PROSE_FIELDS:
            continue
        first = body.count("\n", 0, m.start("body")) + 1
        field = None
        for k, line in enumerate(m["body"].split("\n")):
            key = re.match(r"^(\w+):", line)
            if key:
                field = key[1]
            if field not in PROSE_FIELDS[m["lang"]]:
                lines.add(first + k)
    return lines


def reader_prose(body):
    """What a reader reads of a page's Markdown body: code fences and inline code out,
    widget fences reduced to their prose fields, `{{ … }}` out (computed), link targets,
    attribute lists and raw-HTML attributes out. Math and image alt texts stay."""
    lines = body.split("\n")
    settings = setting_lines(body)
    kept = "\n".join("" if k + 1 in settings else line for k, line in enumerate(lines))

    def fence(m):
        if m["lang"] in PROSE_FIELDS:
            return re.sub(r"^(\w+):", "", m["body"], flags=re.M)
        return ""

    text = hook.FENCE.sub(fence, kept)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"(`+).+?\1", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\{\s*[.#][^}\n]*\}", " ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    return TAG.sub(" ", text)


# An HTML tag: a name right after `<` (or `</`), then attributes; `$a < b$` and `$x<y$`
# are math, not a tag, and the text after them is prose.
TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
