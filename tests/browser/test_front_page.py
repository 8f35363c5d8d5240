"""The site's front page is the course's front door (issue 15): what you will learn, the
lessons in order with a working link each, a start button, what runs in the page; a
robots.txt; Material's search dialog has an accessible name."""

import pytest
from harness import check_axe, guarded_page
from paths import course_pages

pytestmark = pytest.mark.browser

# every page of the nav but the home page itself, in its order: a new lesson must be listed
LESSONS = course_pages()[1:]


def test_the_lessons_are_the_nav_in_order():
    assert LESSONS[:3] == ["optimizers/", "optimizers/ravine/", "optimizers/momentum/"]
    assert {"optimizers/lab/", "optimizers/playground/"} <= set(LESSONS)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_front_page_leads_into_the_course(browser, site_root, width):
    with guarded_page(browser, site_root, viewport={"width": width, "height": 800}) as page:
        page.goto(site_root)
        article = page.locator("article")
        for heading in ("What you will learn", "The lessons, in order", "What runs in the page"):
            assert article.get_by_role("heading", name=heading).count() == 1
        start = article.get_by_role("link", name="Start the course")
        box = start.bounding_box()
        assert box["y"] + box["height"] <= 800, "the start button is on the first screen"
        lessons = article.locator("ol > li > a")
        hrefs = [page.evaluate("a => a.href", a) for a in lessons.element_handles()]
        assert hrefs == [site_root + path for path in LESSONS]
        dialog = page.locator('.md-search[role="dialog"]')
        assert dialog.get_attribute("aria-label") == "Search"
        check_axe(page)
        start.click()
        page.wait_for_url(site_root + "optimizers/")
        assert page.locator('.md-search[role="dialog"]').get_attribute("aria-label") == "Search"


def test_robots_txt_is_served(page, site_root):
    response = page.request.get(site_root + "robots.txt")
    assert response.ok and "User-agent: *" in response.text()
