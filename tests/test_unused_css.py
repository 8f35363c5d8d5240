"""scripts/unused_css.py: a rule stays when one of its selectors can match the page."""

from scripts.unused_css import without_unused

PAGE = '<div class="wrap" id="top"><p class="a b">x</p></div>'


def trim(*sheets):
    return without_unused(list(sheets), PAGE)


def test_rules_whose_classes_or_ids_the_page_lacks_go():
    assert trim(".a{color:red}.nope{color:blue}#top p{margin:0}#gone{margin:1px}") == \
        [".a{color:red}#top p{margin:0}"]


def test_one_matching_selector_keeps_the_whole_rule():
    assert trim(".nope, .wrap .a{color:red}") == [".nope, .wrap .a{color:red}"]


def test_what_a_functional_pseudo_class_names_is_not_required():
    assert trim(".a:not(.nope){color:red}.wrap:is(.nope, .a) p{color:blue}") == \
        [".a:not(.nope){color:red}.wrap:is(.nope, .a) p{color:blue}"]


def test_media_blocks_are_pruned_inside_and_dropped_when_empty():
    out = trim("@media (min-width: 10px){.a{color:red}.nope{color:blue}}@media print{.nope{x:y}}")
    assert out == ["@media (min-width: 10px){.a{color:red}}"]


def test_custom_properties_stay_when_used_even_through_another_sheet():
    first = ".wrap{--used:var(--deep);--deep:1px;--unused:2px}"
    second = ".a{margin:var(--used) !important}"
    assert trim(first, second) == [".wrap{--used:var(--deep);--deep:1px}", ".a{margin:var(--used) !important}"]


def test_element_selectors_and_other_at_rules_stay():
    css = "@font-face{font-family:X;src:url(x.woff2)}p{color:red}"
    assert trim(css) == [css]
