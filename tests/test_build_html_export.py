"""The report exporter (build/html.py) without nbconvert's BeautifulSoup pass: its pages are the
stock HTMLExporter's, tag for tag and text for text; only the serialisation may differ."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.pipeline import html as report_html

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
VOID |= {"source", "track", "wbr"}
#: A 1x1 PNG, so that the page holds real data URIs.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


class _Events(HTMLParser):
    """A page as (kind, tag or text, sorted attributes) events, without what is serialisation:
    attribute order and quoting, character references, ``<br>`` against ``<br/>``, an SVG
    ``<path/>`` against ``<path></path>``, the spaces in a class list, and the length of a
    whitespace-only text outside <pre> (BeautifulSoup writes each as one newline or space)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.foreign = 0  # inside <svg> or <math>, where <x/> closes x
        self.preserving = 0  # inside <pre> or <textarea>, whose whitespace is kept

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.foreign += tag in ("svg", "math")
        self.preserving += tag in ("pre", "textarea")
        cleaned = sorted(
            (name, " ".join((value or "").split()) if name == "class" else value or "")
            for name, value in attrs
        )
        self.events.append(("start", tag, tuple(cleaned)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.foreign and tag not in VOID:
            self.handle_endtag(tag)
        else:  # an HTML element's "/>" closes nothing (and a void one has no end)
            self.foreign -= tag in ("svg", "math")
            self.preserving -= tag in ("pre", "textarea")

    def handle_endtag(self, tag: str) -> None:
        self.foreign -= tag in ("svg", "math")
        self.preserving -= tag in ("pre", "textarea")
        if tag not in VOID:
            self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "data":
            data = self.events.pop()[1] + data
        self.events.append(("data", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def close(self) -> None:
        super().close()
        events: list[tuple] = []
        for event in self.events:
            if event[0] == "data" and not event[1].strip(" \t\n\r\f"):
                if events and events[-1][0] == "decl":
                    continue  # BeautifulSoup writes a newline after the doctype
                event = ("data", "\n" if "\n" in event[1] else " ")
            events.append(event)
        self.events = events


def page_events(page: str) -> list[tuple]:
    """The page's tags, attributes and text, as html.parser reads them (see _Events)."""
    parser = _Events()
    parser.feed(page)
    parser.close()
    return parser.events


def _notebook():
    """A notebook with every kind of image and output the lab cells render, and images
    that are no images (in a comment, a script, an attribute value)."""
    html_output = (
        f'<p>a chart <img src="data:image/png;base64,{PNG}"> and <IMG SRC=x.png ALT=shown>'
        "<!-- <img src=comment.png> --><div title='<img src=attribute.png>'>x</div>"
        '<script>var s = "<img src=script.png>";</script>'
        f'<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0 L 1 1 z"/></svg>'
        "<br/><span class=' wide  bold '>Mali&#39;s &amp; Niger&#x27;s</span></p>"
        # a table cell as analysis.reports.page writes it: reads 14 characters, no break
        '<table><tr><td class="text">Nusrat_Jama&#x27;at</td></tr></table>'
    )
    return new_notebook(
        cells=[
            new_markdown_cell("# A report\n\nIts lede."),
            new_markdown_cell(
                f'## Figures\n\n<img src="data:image/png;base64,{PNG}">\n\n'
                f"![a described chart](data:image/png;base64,{PNG})"
            ),
            new_code_cell(
                "print('deaths_best')\nshow()",
                outputs=[
                    new_output("stream", name="stdout", text="deaths_best 12\n\n  indented\n"),
                    new_output("display_data", data={"image/png": PNG, "text/plain": "<Fig>"}),
                    new_output("display_data", data={"image/svg+xml": SVG}),
                    new_output("display_data", data={"text/html": html_output}),
                    new_output("display_data", data={"text/markdown": "### Notes\n\n1 < 2"}),
                ],
            ),
            new_code_cell(
                "1 / 0",
                outputs=[
                    new_output(
                        "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]
                    )
                ],
            ),
        ],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )


@pytest.mark.parametrize("with_code", [False, True])
def test_report_exporter_page_is_the_stock_page(with_code):
    """Same notebook, same settings: nbconvert's HTMLExporter and the report's give the same
    tags, attributes and text, alt texts included."""
    stock = report_html.build_exporter(with_code=with_code, stock=True)
    fast = report_html.build_exporter(with_code=with_code)
    assert isinstance(fast, report_html.report_exporter_class())
    resources = {"metadata": {"name": "A report"}, "report": {"title": "A report"}}
    nb = _notebook()  # one notebook: its cells' ids are random
    stock_page, _ = stock.from_notebook_node(nb, resources=dict(resources))
    fast_page, _ = fast.from_notebook_node(nb, resources=dict(resources))
    assert page_events(fast_page) == page_events(stock_page)
    # by hand: the Markdown cell's raw <img>, the PNG output, the SVG output and the HTML
    # output's PNG have no alt; the Markdown image and the <IMG ALT=shown> have one, and the
    # comment's, the attribute's and the script's are no images
    assert fast_page.count(f'alt="{report_html.MISSING_ALT}"') == 4
    assert '<script>var s = "<img src=script.png>";</script>' in fast_page
    assert "tabindex" not in fast_page  # the report page has no .jp-Notebook element


@pytest.mark.parametrize("with_code", [False, True])
def test_to_html_page_is_the_stock_page(monkeypatch, with_code):
    """The whole report page (contents, appendix, table break points) is the same too."""
    key = (str(report_html.DEFAULT_TEMPLATE.resolve()), with_code)
    facts = {"run_date": "2026-11-27", "notebook": "a_report", "status": "ok"}
    pages, nb = [], _notebook()
    for stock in (True, False):
        exporter = report_html.build_exporter(with_code=with_code, stock=stock)
        monkeypatch.setitem(report_html._exporters, key, exporter)
        pages.append(report_html.to_html(nb, facts, with_code=with_code))
    assert page_events(pages[1]) == page_events(pages[0])


def test_text_cells_break_where_they_read_long():
    """A quote html.escape wrote as a reference counts one character: 'Nusrat_Jama'at' reads
    14 characters (no break point), 'Jama'at_Nusrat_al' 17 (a break after each _)."""
    page = (
        '<td class="text">Nusrat_Jama&#x27;at</td>'
        '<td class="text">Jama&#x27;at_Nusrat_al &quot;x&quot;</td>'
    )
    assert report_html.break_long_words(page) == (
        '<td class="text">Nusrat_Jama\'at</td>'
        '<td class="text">Jama\'at_<wbr>Nusrat_<wbr>al "x"</td>'
    )


def test_images_without_alt_get_one_and_nothing_else_changes():
    """The scan inserts the alt text into the start tag and leaves every other byte alone."""
    alt = f'alt="{report_html.MISSING_ALT}"'
    page = (
        '<!DOCTYPE html>\n<p>a<img src="x.png">b<img/src=y.png><img alt="">'
        "<img src='a>b' />c<imgx></imgx><!-- <img> --><script>'<img>'</script></p>"
    )
    assert report_html.accessible_page(page) == (
        f'<!DOCTYPE html>\n<p>a<img {alt} src="x.png">b<img {alt}/src=y.png><img alt="">'
        f"<img {alt} src='a>b' />c<imgx></imgx><!-- <img> --><script>'<img>'</script></p>"
    )


@pytest.mark.parametrize(
    "page",
    [
        '<p>a<img src="x.png">b</p>',
        "<div title='<img src=x>'><IMG SRC=y.png Alt></div>",
        "<style>p::after { content: '<img src=x>' }</style><img src=z.png>",
        "<svg><style>.a{}</style><image href='x.png'/></svg><img src='q'>",
        "<p></p x='<img src=a.png>'><img src=b.png>",
        "<![CDATA[<img src=a.png>]]><img src=b.png>",
        # markup the scan leaves to BeautifulSoup: an unclosed comment, tag, script
        "<img src=a.png><!-- <img src=b.png>",
        '<img src=a.png><img src="b.png',
        "<img src=a.png><script>var s = '<img src=b.png>';",
        # a .jp-Notebook page: cells under it get tabindex (BeautifulSoup's pass)
        '<body class="jp-Notebook"><div class="jp-Cell-inputWrapper">in</div>'
        '<div class="jp-RenderedText jp-OutputArea-output">out</div><img src=a.png></body>',
        '<body class="jp-Noteb&#111;ok"><div class="jp-Cell-inputWrapper">in</div></body>',
    ],
)
def test_scan_reads_tags_as_html_parser_does(page):
    """Each page gets the alt texts and tabindex nbconvert's BeautifulSoup pass gives it."""
    assert page_events(report_html.accessible_page(page)) == page_events(
        report_html._soup_page(page)
    )


def test_cells_under_a_jp_notebook_are_focusable():
    """nbconvert's lab page: input and output cells under .jp-Notebook get tabindex="0"; a
    jp-Notebook-cell class alone is not .jp-Notebook, and such a page is left as it is."""
    lab = (
        '<body class="jp-Notebook"><div class="jp-Cell-inputWrapper">in</div>'
        '<div class="jp-RenderedText jp-OutputArea-output" tabindex="3">out</div></body>'
    )
    events = page_events(report_html.accessible_page(lab))
    focusable = [dict(event[2]) for event in events if event[0] == "start" and event[1] == "div"]
    assert [attributes.get("tabindex") for attributes in focusable] == ["0", "0"]
    report = (
        '<div class="jp-Cell jp-Notebook-cell"><div class="jp-Cell-inputWrapper">in</div></div>'
    )
    assert report_html.accessible_page(report) == report
