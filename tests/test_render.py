"""A figure on the page and in the figures folder: SVG and PNG saved with savefig, nothing cut
off, texts from data shown literally, tooltips on the inline SVG, a PNG where SVG is much larger.
"""

from __future__ import annotations

import base64
import io
import re
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from analysis.figures import style  # noqa: E402
from analysis.reports import page, render  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def shown(monkeypatch):
    """What page.figure puts on the page (HTML bodies)."""
    bodies: list[str] = []
    monkeypatch.setattr(page, "display", lambda obj, **kwargs: bodies.append(obj.data))
    page.reset_figure_numbers()
    return bodies


def _bar_figure(title: str = "Events per region", layout: str | None = None) -> Figure:
    fig, ax = style.new_figure(layout=layout) if layout else style.new_figure()
    ax.bar(["Gao", "Mopti", "Kidal"], [12, 30, 7], label="events")
    style.label_axes(ax, title, "region", "events")
    return fig


def _svg_texts(svg: bytes) -> list[str]:
    """Every text of an SVG saved with svg.fonttype 'none' (texts kept as text)."""
    root = ElementTree.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _svg_size_pt(svg: bytes) -> tuple[float, float]:
    root = ElementTree.fromstring(svg)
    return float(root.get("width").removesuffix("pt")), float(root.get("height").removesuffix("pt"))


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_each_figure_is_saved_as_svg_and_png_with_its_title(tmp_path, monkeypatch, shown, layout):
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    page.figure(_bar_figure(layout=layout), "per-region", "A caption.", source="Made up")
    assert "<strong>Figure 1.</strong>" in shown[-1]
    svg = (tmp_path / "per-region.svg").read_bytes()
    png = (tmp_path / "per-region.png").read_bytes()
    assert "Events per region" in _svg_texts(svg)
    assert {"Gao", "Mopti", "Kidal"} <= set(_svg_texts(svg))
    assert b"<dc:date>" not in svg  # no date: the same figure gives the same file
    assert png.startswith(b"\x89PNG")
    # the PNG at PNG_DPI and the SVG (72 points an inch) show the same area, within a pixel
    # or two (each is cut to what is drawn, measured on its own renderer's text sizes)
    height_px, width_px = _png(png).shape[:2]
    width_pt, height_pt = _svg_size_pt(svg)
    assert abs(width_px / render.PNG_DPI - width_pt / 72) < 0.05
    assert abs(height_px / render.PNG_DPI - height_pt / 72) < 0.05
    (body,) = shown
    # the page shows the SVG inline, with a tooltip on each bar, and names the source once
    assert body.count("<svg") == 1 and 'src="data:' not in body
    titles = re.findall(r"<title>([^<]*)</title>", body)
    assert titles == ["events: Gao: 12", "events: Mopti: 30", "events: Kidal: 7"]
    assert "Source: Made up" in body and "Figure 1.</strong> Events per region." in body


def test_nothing_drawn_past_the_edge_is_cut_off(shown):
    """A note and a legend placed past the figure's edge: both files grow to hold them, and
    their outermost pixels are background (nothing drawn reaches the cut)."""
    fig = _bar_figure()
    ax = fig.axes[0]
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.25))  # under the axes, past the bottom
    fig.text(0.98, 0.5, "a note that runs well past the right edge", fontsize=9)
    width_in, height_in = fig.get_size_inches()
    rendered = render.render(fig)
    pixels = _png(rendered["png"])
    height_px, width_px = pixels.shape[:2]
    assert width_px > width_in * render.PNG_DPI and height_px > 0
    edge = np.concatenate([pixels[:2].reshape(-1, 4), pixels[-2:].reshape(-1, 4)])
    edge = np.concatenate([edge, pixels[:, :2].reshape(-1, 4), pixels[:, -2:].reshape(-1, 4)])
    assert (edge == 255).all()  # white, opaque: the figure's face colour
    # what is drawn (the figure's tight box, in inches) lies inside the saved image
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    assert drawn.width * render.PNG_DPI <= width_px and drawn.height * render.PNG_DPI <= height_px
    width_pt, height_pt = _svg_size_pt(rendered["svg"])
    assert width_pt > width_in * 72
    assert drawn.width * 72 <= width_pt + 1 and drawn.height * 72 <= height_pt + 1
    assert "a note that runs well past the right edge" in _svg_texts(rendered["svg"])
    plt.close(fig)


def test_texts_from_data_are_shown_literally(tmp_path, monkeypatch, shown):
    """A group named with dollar signs is a name, not mathematics: it shows as written in the
    SVG (an unclosed superscript would fail the figure; 'A$B$C' would turn into italics)."""
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    monkeypatch.setitem(matplotlib.rcParams, "text.parse_math", True)  # as without the style
    fig, ax = plt.subplots()  # made without new_figure
    ax.bar(["Group $x^", "A$B$C"], [3, 4])
    ax.set_title("Events by $group$")
    page.figure(fig, "dollars", "Names with dollar signs.")
    texts = _svg_texts((tmp_path / "dollars.svg").read_bytes())
    assert {"Group $x^", "A$B$C", "Events by $group$"} <= set(texts)


def test_a_much_larger_svg_gives_way_to_the_png(tmp_path, monkeypatch, shown):
    """Thousands of points: the page embeds the PNG (the SVG would be over INLINE_SVG_FACTOR
    times its size); the figures folder still holds both."""
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    fig, ax = style.new_figure()
    rng = np.random.default_rng(7)
    ax.scatter(rng.normal(size=20_000), rng.normal(size=20_000), s=2)
    ax.set_title("Many points")
    page.figure(fig, "cloud", "A cloud of points.")
    svg, png = (tmp_path / "cloud.svg").read_bytes(), (tmp_path / "cloud.png").read_bytes()
    assert len(svg) > page.INLINE_SVG_FACTOR * len(png)
    (body,) = shown
    assert "<svg" not in body
    embedded = re.search(r'src="data:image/png;base64,([^"]+)"', body)
    assert embedded and base64.b64decode(embedded.group(1)) == png
    assert 'alt="Figure 1. Many points. A cloud of points."' in body


def test_texts_are_made_literal_without_making_every_axis_tick(monkeypatch):
    """A figure made before the style, with mathematics on: after literal_text every text is
    literal, the tick labels made later too, and no axis was asked for its ticks to get there."""
    from matplotlib.axis import Axis

    monkeypatch.setitem(matplotlib.rcParams, "text.parse_math", True)
    fig, axes = plt.subplots(1, 2)
    axes[0].plot([0, 1], [0, 1])
    axes[0].set_title("$x^$")  # not mathematics: it would fail to parse
    axes[0].get_xticklabels()  # this axis has made its ticks already
    axes[1].annotate("$b$", (0.5, 0.5))
    fig.suptitle("$c$")
    asked = []
    real = Axis.get_major_ticks
    monkeypatch.setattr(
        Axis, "get_major_ticks", lambda axis, *a, **k: asked.append(axis) or real(axis, *a, **k)
    )
    style.literal_text(fig)
    assert asked == []
    monkeypatch.setattr(Axis, "get_major_ticks", real)
    assert not any(text.get_parse_math() for text in fig.findobj(Text))
    fig.canvas.draw()  # '$x^$' drawn as written
    plt.close(fig)


def test_the_suptitle_names_the_figure(shown):
    fig = _bar_figure(title="Panel title")
    fig.suptitle("Whole figure")
    page.figure(fig, "with-suptitle", "Caption.")
    (body,) = shown
    assert "<strong>Figure 1.</strong> Whole figure. Caption." in body
