"""Library quality counts how a component does on live sites: the share of visitors who reach it."""

from __future__ import annotations

import pytest

from faibric_kernel.build import run_build
from faibric_kernel.library import get_item
from faibric_kernel.library.learning import quality_from
from faibric_kernel.library.live import component_anchor, component_reach, refresh_live_quality
from faibric_kernel.livesites.registry import public_site_id
from faibric_kernel.projects import get_version, project_for_session
from faibric_kernel.sessions import create_session
from faibric_kernel.store import read_connection, record_event

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu, a gallery and a contact form"


def test_the_anchor_is_the_components_root_id_or_its_wrapper_on_the_page():
    files = {"src/components/Gallery.jsx": '<section id="photos" className="g">',
             "src/components/Menu.jsx": "<section className='menu'>",
             "src/App.jsx": '<div id="menu">\n          <Menu {...content.menu} />\n        </div>'}
    assert component_anchor(files, "Gallery") == "photos"
    assert component_anchor(files, "Menu") == "menu"
    assert component_anchor(files, "Footer") is None


def test_live_reach_counts_in_quality_but_never_twice():
    base = {"deployed": 2, "evidence_weight": 2.0, "evidence_sum": 2.0}
    low = quality_from({**base, "live": {"sites": 4, "reach": 0.1}})
    high = quality_from({**base, "live": {"sites": 4, "reach": 0.9}})
    assert low < quality_from(base) < high


@pytest.fixture
def live_site(monkeypatch):
    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "thread")
    session = create_session(PROMPT)
    result = run_build(session.session_id, deploy_target="local", preview=False)
    assert result.status == "deployed"
    return session.session_id


def test_a_reused_component_that_visitors_reach_scores_higher(live_site):
    files = get_version(project_for_session(live_site).project_id).files
    with read_connection() as con:
        reused = con.execute(
            "SELECT DISTINCT json_extract_string(properties, '$.item_id') FROM events WHERE session_id = ? "
            "AND event_type = 'library_reused' AND json_extract_string(properties, '$.decision') = 'reuse'",
            [live_site]).fetchall()
    items = [get_item(r[0]) for r in reused]
    placed = [(i, component_anchor(files, i.name)) for i in items if f"src/components/{i.name}.jsx" in files]
    placed = [(i, a) for i, a in placed if a]
    assert len(placed) >= 2, "the build reused too few components to compare"
    (seen_item, seen_anchor), (missed_item, _) = placed[0], placed[1]
    before = {i.id: i.quality_score for i, _ in placed}
    site_id = public_site_id(live_site)
    for visitor in range(10):
        props = {"site_id": site_id, "version": 1, "visitor": f"v{visitor}"}
        record_event("site_pageview", session_id=None, properties=props)
        record_event("site_section_viewed", session_id=None, properties={**props, "section": seen_anchor})
    with read_connection() as con:
        reach = component_reach(con).set_index("item_id")
    assert reach.loc[seen_item.id, "reach"] == pytest.approx(1.0) and reach.loc[seen_item.id, "sites"] == 1
    assert refresh_live_quality() >= 1
    assert get_item(seen_item.id).quality_score > before[seen_item.id]
    assert get_item(missed_item.id).quality_score == pytest.approx(before[missed_item.id])
    first = get_item(seen_item.id).quality_score
    refresh_live_quality()  # the daily job again: the same visits are not counted twice
    assert get_item(seen_item.id).quality_score == pytest.approx(first)
