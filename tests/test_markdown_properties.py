"""Property test: whatever an editor or a user writes, the HTML render_markdown makes runs
no script. The output is parsed with lxml (as a browser would read it), not searched with
regular expressions."""

import re

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.markdown import render_markdown

# What an attack is made of: tags, handlers, schemes (also entity-encoded and split by
# whitespace or control characters a browser ignores), and Markdown links and images.
FRAGMENTS = [
    "<script>alert(1)</script>", "<script", "</script>", "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>", "<iframe src=",
    "<a href=\"javascript:alert(1)\">x</a>", "onerror=", "onclick=\"alert(1)\"", " onmouseover=",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "java\x00script:", "  javascript:",
    "vbscript:", "data:text/html,<script>alert(1)</script>", "data:image/png;base64,AAAA",
    "&#106;avascript:", "&#x6A;avascript:", "javascript&colon;", "&lt;script&gt;",
    "&#60;script&#62;", "[x](", "](", ")", "![x](", "<", ">", "\"", "'", "`", "\n", " ",
    "[link](javascript:alert(1))", "![img](javascript:alert(1))", "[x](data:text/html,x)",
    "[x](vbscript:msgbox)", "<javascript:alert(1)>", "[x]: javascript:alert(1)\n\n[x]",
    "<style>", "<object data=", "<math><mi xlink:href=\"javascript:alert(1)\">", "alert(1)",
    "<form action=javascript:alert(1)>", "<meta http-equiv=refresh content=0;url=",
    "*", "_", "#", "|", "-", "\u202e", "e\u0301", "\ud800", "🧮",
]  # fmt: skip
SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
BLANK = re.compile(r"[\x00-\x20\x7f\ufffd]+")

hostile = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=20).map("".join),
)


def _unsafe(html):
    """What in `html` would run script in a browser, as found by an HTML parser."""
    if not html.strip():
        return []
    # The parser refuses NUL and other controls, which a browser turns into U+FFFD.
    readable = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", html)
    root = lxml.html.fromstring(f"<div>{readable}</div>")
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if element.tag.lower() in {"script", "style", "iframe", "object", "embed", "svg"}:
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(name)
            if name.lower() in URL_ATTRIBUTES:
                url = BLANK.sub("", value).lower()
                if url.startswith(SCHEMES):
                    found.append(f"{name}={value}")
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_markdown_never_makes_html_that_runs_script(source):
    html = render_markdown(source)
    assert _unsafe(html) == [], (source, html)


def test_the_check_itself_finds_script():
    # The property is only as good as its checker.
    assert _unsafe("<script>x</script>") == ["script"]
    assert _unsafe('<img src="x" onerror="x">') == ["onerror"]
    assert _unsafe('<a href=" java\tscript:x">x</a>') == ["href= java\tscript:x"]
    assert _unsafe('<a href="DATA:text/html,x">x</a>') == ["href=DATA:text/html,x"]
