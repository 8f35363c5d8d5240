"""The navigator's filled bands are the landscape's: each device pixel takes the colour of
the band its value falls in, the value bilinear in lesson_code's grid.

fillBands (navigator-draw.js) paints them a row and a 32-bit word at a time and walks the
band from the pixel beside it (issue 16: a phone paints about a million of them when the
navigator goes live). Here it is checked, in the browser that runs it, against the plain
definition written out again below: each pixel from its four grid nodes, its band by
counting the levels at or below it, its colour written byte by byte. A pixel whose value
is a level's, up to rounding, may take either band; a pixel inside a plateau may not.
"""

import pytest
from harness import guarded_page

# Grids in the shapes the navigator meets: a smooth landscape, noise (the band changes at
# nearly every pixel, in both directions), plateaus that sit exactly on a level, values
# beyond every level on both sides, and NaN (a value no level is at or below).
COMPARE = """async ([kind, W, H]) => {
  const draw = await import(new URL("assets/js/navigator-draw.js", document.baseURI));
  const nx = 23, ny = 17, values = new Float64Array(nx * ny);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const x = i / (nx - 1) * 4 - 2, y = j / (ny - 1) * 3 - 1.5;
    values[j * nx + i] = kind === "smooth" ? (0.8 * x + 0.6 * y) ** 2 / 10 + 4 * (0.8 * y - 0.6 * x) ** 2
      : kind === "noise" ? random() * 10
      : kind === "plateaus" ? Math.round(random() * 4) * 2.5
      : kind === "beyond" ? (random() - 0.5) * 100
      : random() < 0.1 ? NaN : random() * 10;
  }
  const levels = kind === "plateaus" ? [0, 2.5, 5, 7.5, 10] : [0.5, 1, 2, 3, 4.5, 6, 8, 9.5];
  const colors = Array.from({ length: levels.length + 1 }, (_, b) => [b * 20 + 7, 250 - b * 17, (b * 53) % 256]);
  const image = new ImageData(W, H);
  draw.fillBands(image, { nx, ny, values, levels }, colors.map(draw.pixelWord));
  let differ = 0, first = null;
  const bands = new Set();
  for (let py = 0; py < H; py++) {
    const gy = (1 - (py + 0.5) / H) * (ny - 1);
    const j = Math.min(ny - 2, Math.floor(gy)), fy = gy - j;
    for (let px = 0; px < W; px++) {
      const gx = ((px + 0.5) / W) * (nx - 1);
      const i = Math.min(nx - 2, Math.floor(gx)), fx = gx - i, k = j * nx + i;
      const nodes = [values[k], values[k + 1], values[k + nx], values[k + nx + 1]];
      const v = nodes.every((node) => Object.is(node, nodes[0])) ? nodes[0] // a plateau is its value
        : (nodes[0] * (1 - fx) + nodes[1] * fx) * (1 - fy) + (nodes[2] * (1 - fx) + nodes[3] * fx) * fy;
      const band = levels.filter((level) => level <= v).length;
      bands.add(band);
      // a value within rounding of a level may fall either side of it
      const near = levels.findIndex((level) => Math.abs(level - v) <= 1e-12 * Math.max(1, Math.abs(v)));
      const allowed = near < 0 ? [band] : [near, near + 1];
      const o = (py * W + px) * 4, got = [...image.data.slice(o, o + 4)];
      const want = [...colors[band], 255];
      if (!allowed.some((b) => [...colors[b], 255].every((c, n) => c === got[n]))) {
        differ++;
        first ??= { px, py, v, got, want };
      }
    }
  }
  return { differ, first, bands: bands.size };
}"""


@pytest.mark.parametrize("kind", ["smooth", "noise", "plateaus", "beyond", "nan"])
def test_each_pixel_takes_the_colour_of_its_band(browser, site_root, kind):
    with guarded_page(browser, site_root, python=False) as page:
        page.goto(site_root)
        for size in ([301, 217], [64, 480]):  # wider and narrower than the grid's aspect
            result = page.evaluate(COMPARE, [kind, *size])
            assert result["differ"] == 0, (kind, size, result["first"])
            assert result["bands"] >= 3, (kind, size, result)  # the pixels cross bands
