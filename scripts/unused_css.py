"""A stylesheet less the rules that cannot match anything in one page.

Used for the lab (scripts/lab_hook.py): mkdocs-jupyter inlines all of JupyterLab's CSS,
574 KB, in the page, and a phone parses it before it paints anything. A rule is kept when
at least one of its selectors needs only classes and ids that the page has (what is inside
:not(), :is(), :where() or :has() is not required, so a rule is kept rather than lost); a
custom property is kept when a kept declaration uses it, directly or through another.
Everything else (@font-face, @keyframes, @charset...) is kept as it was.
tests/browser/test_lab_code.py checks that the page's computed styles are the same with the
whole stylesheet added back.
"""

import re
from html.parser import HTMLParser

import tinycss2

FUNCTIONAL = re.compile(r":(?:not|is|where|has|matches|-webkit-any|-moz-any)\(")
NAME = re.compile(r"([.#])((?:[\w-]|\\.)+)")
VAR = re.compile(r"var\(\s*(--[\w-]+)")


class _Names(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "class" and value:
                self.names.update("." + c for c in value.split())
            elif key == "id" and value:
                self.names.add("#" + value)


def page_names(html):
    """Every ".class" and "#id" the page's HTML has."""
    parser = _Names()
    parser.feed(html)
    return parser.names


def _required(selector):
    """The ".class" and "#id" names a selector needs, leaving out functional pseudo-classes."""
    kept, depth, at = [], 0, 0
    for m in FUNCTIONAL.finditer(selector):
        if m.start() < at:
            continue
        kept.append(selector[at:m.start()])
        depth, i = 1, m.end()
        while i < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[i], 0)
            i += 1
        at = i
    kept.append(selector[at:])
    return {kind + name.replace("\\", "") for kind, name in NAME.findall("".join(kept))}


def _selectors(prelude):
    text, parts, depth, start = tinycss2.serialize(prelude), [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _matching(rules, names):
    """The rules (tinycss2 nodes) that can match, with @media and @supports pruned inside."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if any(_required(s) <= names for s in _selectors(rule.prelude)):
                out.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            inner = _matching(tinycss2.parse_rule_list(rule.content, True, True), names)
            if inner:
                out.append((rule, inner))
        elif rule.type not in ("whitespace", "comment"):
            out.append(rule)
    return out


def _declarations(rule):
    return [d for d in tinycss2.parse_declaration_list(rule.content, True, True) if d.type == "declaration"]


def _walk(kept):
    for item in kept:
        if isinstance(item, tuple):
            yield from _walk(item[1])
        elif item.type == "qualified-rule":
            yield item


def _used_properties(kept):
    """The custom properties that kept declarations use, transitively."""
    defined, used = {}, set()
    for rule in _walk(kept):
        for d in _declarations(rule):
            value = tinycss2.serialize(d.value)
            if d.name.startswith("--"):
                defined.setdefault(d.name, []).append(value)
            else:
                used.update(VAR.findall(value))
    todo = list(used)
    while todo:
        for value in defined.get(todo.pop(), []):
            for name in VAR.findall(value):
                if name not in used:
                    used.add(name)
                    todo.append(name)
    return used


def _serialize(kept, used):
    out = []
    for item in kept:
        if isinstance(item, tuple):
            at, inner = item
            out.append(f"@{at.at_keyword}{tinycss2.serialize(at.prelude)}{{{_serialize(inner, used)}}}")
        elif item.type == "qualified-rule":
            body = ";".join(f"{d.name}:{tinycss2.serialize(d.value).strip()}{' !important' if d.important else ''}"
                            for d in _declarations(item) if not d.name.startswith("--") or d.name in used)
            if body:
                out.append(f"{tinycss2.serialize(item.prelude).strip()}{{{body}}}")
        else:
            out.append(tinycss2.serialize([item]))
    return "".join(out)


def without_unused(sheets, html):
    """Each of a page's stylesheets (a list of CSS texts) less the rules and custom
    properties that nothing in html can use (a property one sheet defines and another uses
    is kept)."""
    names = page_names(html)
    kept = [_matching(tinycss2.parse_stylesheet(css, True, True), names) for css in sheets]
    used = _used_properties([rule for sheet in kept for rule in sheet])
    return [_serialize(sheet, used) for sheet in kept]
