"""Markdown to safe HTML (ibsite/markdown.py): what editors can write, and what cannot get out."""

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from core.markdown import render_markdown
from tests.pages import Page

REL = 'rel="nofollow noopener noreferrer"'


def test_paragraphs_emphasis_and_lists():
    html = render_markdown("One *two* **three**.\n\nNext.\n\n- a\n- b\n\n1. x\n2. y")
    assert html == (
        "<p>One <em>two</em> <strong>three</strong>.</p>\n<p>Next.</p>\n"
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"
    )


def test_links_are_kept_and_marked_nofollow():
    assert render_markdown("[paper](https://arxiv.org/abs/2405.07987)") == (
        f'<p><a href="https://arxiv.org/abs/2405.07987" {REL}>paper</a></p>\n'
    )
    assert render_markdown("<https://example.com>") == (
        f'<p><a href="https://example.com" {REL}>https://example.com</a></p>\n'
    )
    assert render_markdown("[write](mailto:hosts@example.com)") == (
        f'<p><a href="mailto:hosts@example.com" {REL}>write</a></p>\n'
    )


def test_a_link_title_is_kept():
    assert render_markdown('[a](https://e.com "The title")') == (
        f'<p><a href="https://e.com" title="The title" {REL}>a</a></p>\n'
    )


def test_headings_blockquotes_code_and_rules():
    html = render_markdown("## Part\n\n### Sub\n\n> Quoted\n\n`code`\n\n```\nblock\n```\n\n---")
    assert "<h2>Part</h2>" in html
    assert "<h3>Sub</h3>" in html
    assert "<blockquote>\n<p>Quoted</p>\n</blockquote>" in html
    assert "<code>code</code>" in html
    assert "<pre><code>block\n</code></pre>" in html
    assert "<hr>" in html


def test_a_top_level_heading_does_not_add_a_second_h1_to_the_page():
    html = render_markdown("# Title\n\nText")
    assert "<h1" not in html
    assert "Title" in html


def test_tables():
    html = render_markdown("| Model | Score |\n|---|---|\n| A | 1 |")
    assert "<table>" in html
    assert "<th>Model</th>" in html
    assert "<td>1</td>" in html


def test_struck_out_text_stays_struck_out():
    """A retracted claim must not read as asserted: ~~x~~ keeps its strike-through."""
    html = render_markdown("It will ~~never~~ happen.")
    assert html in (
        "<p>It will <s>never</s> happen.</p>\n",
        "<p>It will <del>never</del> happen.</p>\n",
    )


def test_typography():
    assert render_markdown('"Quoted" and it\'s -- (c)') == (
        "<p>\u201cQuoted\u201d and it\u2019s \u2013 \u00a9</p>\n"
    )


def test_nothing_gives_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_result_is_marked_safe_for_templates():
    assert isinstance(render_markdown("x"), SafeString)
    html = Template("{% load site %}{{ text|render_markdown }}").render(
        Context({"text": "*x* <b>"})
    )
    assert html == "<p><em>x</em> &lt;b&gt;</p>\n"


# What cannot get out.


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<iframe src=https://evil.example>", "&lt;iframe src=https://evil.example&gt;"),
        ("<b onclick=alert(1)>x</b>", "&lt;b onclick=alert(1)&gt;x&lt;/b&gt;"),
        ("<style>body{display:none}</style>", "&lt;style&gt;body{display:none}&lt;/style&gt;"),
    ],
)
def test_raw_html_is_shown_as_text(source, shown):
    html = render_markdown(source)
    assert shown in html
    assert Page(html).elements == [("p", {})]


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_links_to_anything_but_the_web_or_mail_are_not_links(source):
    page = Page(render_markdown(source))
    assert page.all("a") == []
    assert page.executable_content() == []


@pytest.mark.parametrize(
    "source",
    [
        "![x](https://tracker.example/pixel.png)",
        "![x](javascript:alert(1))",
        '![x](https://e.com/a.png "t")',
    ],
)
def test_images_are_not_embedded(source):
    page = Page(render_markdown(source))
    assert page.all("img") == []
    assert page.executable_content() == []


def test_only_the_allowed_attributes_get_through():
    html = render_markdown('[a](https://e.com "t")\n\n| a |\n|:-:|\n| 1 |')
    assert "style=" not in html
    assert "class=" not in html
    assert "id=" not in html


def test_a_lone_surrogate_is_shown_as_a_replacement_character():
    # JSON may carry "\ud800"; nh3 could not encode it and the page was a 500.
    assert render_markdown("a\ud800b") == "<p>a\ufffdb</p>\n"
