"""The race a navigator shows until Python is ready is drawn in the page's theme.

The build draws each navigator's declared race twice (scripts/navigator_hook.py): on the
light page, and on Material's dark (slate) one. A reader whose system is dark sees the
dark picture from the first paint; a reader who switches Material's theme sees the
picture switch with it (a reader without JavaScript, whose page Material leaves light,
keeps the light one: test_without_javascript.py). Python is kept from starting here, so
the pictures stay on screen: that is also what a reader sees when the runtime cannot load.
"""

import pytest
from harness import guarded_page, next_frame, wait_navigator_live, wait_python_failed

PAGE = "dev/navigator/"

# Each navigator's picture: the file it shows, and how light its plot is (mean of the
# red, green and blue of the middle of the image, drawn on a canvas).
PICTURES = """() => [...document.querySelectorAll("img.navigator-static")].map((img) => {
  const canvas = Object.assign(document.createElement("canvas"), { width: img.naturalWidth, height: img.naturalHeight });
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const w = Math.round(img.naturalWidth / 10), h = Math.round(img.naturalHeight / 10);
  const data = ctx.getImageData(Math.round(img.naturalWidth / 2 - w / 2), Math.round(img.naturalHeight / 2 - h / 2), w, h).data;
  let sum = 0, n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200) (sum += data[i] + data[i + 1] + data[i + 2]), n++;
  return { file: img.currentSrc.split("/").pop(), loaded: img.complete && img.naturalWidth > 0,
    lightness: n ? sum / (3 * n) : null };
})"""


def pictures(page):
    page.wait_for_function("[...document.querySelectorAll('img.navigator-static')]"
                           ".every((img) => img.complete && img.naturalWidth > 0)")
    return page.evaluate(PICTURES)


def assert_theme(shown, theme):
    assert shown, "no navigator picture on the page"
    for picture in shown:
        assert picture["loaded"], picture
        assert picture["file"].endswith("-dark.png") == (theme == "dark"), (theme, picture)
        # the plot's middle: the ramp's pale end on the light page, its deep end on the dark
        if theme == "dark":
            assert picture["lightness"] < 90, picture
        else:
            assert picture["lightness"] > 180, picture


@pytest.mark.browser
def test_a_reader_whose_system_is_dark_sees_the_dark_picture_and_it_follows_the_switch(browser, site_root):
    with guarded_page(browser, site_root, python=False, color_scheme="dark") as page:
        page.goto(site_root + PAGE)
        wait_python_failed(page.locator("#harness"))
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        assert_theme(pictures(page), "dark")
        page.get_by_title("Switch to light mode").filter(visible=True).click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
        assert_theme(pictures(page), "light")
        page.get_by_title("Switch to dark mode").filter(visible=True).click()
        assert_theme(pictures(page), "dark")


@pytest.mark.browser
def test_a_reader_who_chose_dark_on_a_light_system_sees_the_dark_picture(browser, site_root):
    with guarded_page(browser, site_root, python=False, color_scheme="light") as page:
        page.goto(site_root + PAGE)
        assert_theme(pictures(page), "light")
        page.get_by_title("Switch to dark mode").filter(visible=True).click()
        assert_theme(pictures(page), "dark")
        # the choice is kept: the next page opens dark, and its picture with it
        page.goto(site_root + PAGE)
        wait_python_failed(page.locator("#harness"))
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        assert_theme(pictures(page), "dark")


@pytest.mark.browser
def test_a_live_navigator_fetches_no_picture_when_the_theme_changes(page, site_root):
    """Once live, the picture is hidden for good: a theme switch redraws the canvas and
    downloads neither picture."""
    page.goto(site_root + PAGE)
    for selector in ("#harness", "#everyone"):
        wait_navigator_live(page, selector)
    fetched = []
    page.on("request", lambda request: "/assets/navigator/" in request.url and fetched.append(request.url))
    page.get_by_title("Switch to dark mode").filter(visible=True).click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    next_frame(page)
    next_frame(page)
    assert fetched == []
    assert page.locator("img.navigator-static").evaluate_all("imgs => imgs.map((img) => img.hidden)") == [True, True]
