"""The headline figure looks the same on the check page as on the published case study."""

from decimal import Decimal

import pytest

from hub.services import Figure, case_study_draft_create

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"

# Reads, for every word of each figure's title, how many line boxes it spans: a word split
# across lines ("household" / "s") spans two.
BROKEN_WORDS = """
(el) => {
  const broken = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}
"""


def sign_in(tab, email: str) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("link", name="Your account").wait_for()


@pytest.fixture
def case_study(library, housing, officer):
    return case_study_draft_create(
        user=officer,
        index=library,
        data={
            "title": "Keeping families out of temporary accommodation",
            "summary": "Early contact with private renters.",
            "service_area": housing,
            "organisations": [officer.organisation],
            "challenge": "Families came to us too late.",
            "approach": "We called renters when a notice was served.",
            "outcomes_text": "Fewer families in temporary accommodation.",
            "figure": Figure(Decimal(1200), "households", "kept in their homes in the first year"),
            "cost": "£45,000",
            "timescale": "Nine months",
        },
    )


FIGURE_STYLE = """
(el) => {
  const title = el.querySelector(".govuk-panel__title");
  const style = getComputedStyle(title);
  return [style.fontSize, style.fontWeight, style.lineHeight, style.overflowWrap, style.wordBreak];
}
"""


@pytest.mark.parametrize("width", [1280, 375])
def test_check_page_shows_the_headline_figure_as_the_published_page_does(
    page, axe, case_study, officer, width, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    case_study.get_latest_revision().publish()
    page.goto(case_study.url)
    published = page.locator(".govuk-panel")
    published.wait_for()
    published_html, published_style = published.evaluate("(el) => el.outerHTML"), published.evaluate(FIGURE_STYLE)
    assert published.evaluate(BROKEN_WORDS) == []
    # The panel's own large title, not shrunk to the size of the prose around it.
    title_size = published.locator(".govuk-panel__title").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    prose_size = page.locator(".kh-prose p:not([class])").first.evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert title_size >= 1.5 * prose_size
    axe(page, f"published case study with a headline figure at {width} px")

    sign_in(page, officer.email)
    page.goto(f"/good-practice/submit/{case_study.pk}/check/")
    figure = page.locator(".govuk-panel")
    figure.wait_for()
    # Kept with the test's files for a failure to be looked at; the boxes below are the check.
    page.screenshot(path=tmp_path / f"check-{width}.png", full_page=True)
    # Not "household" on one line and "s" on the next, as in a summary list's value cell.
    assert figure.evaluate(BROKEN_WORDS) == []
    assert figure.evaluate("(el) => el.outerHTML") == published_html
    assert figure.evaluate(FIGURE_STYLE) == published_style
    box, main = figure.bounding_box(), page.locator("main").bounding_box()
    assert box["x"] + box["width"] <= main["x"] + main["width"]
    axe(page, f"check your answers with a headline figure at {width} px")
