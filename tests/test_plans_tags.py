from plans.templatetags.plans_tags import how_to_html


def test_numbered_lines_become_a_numbered_list():
    assert how_to_html("1. Open Settings.\n2. Tap Passcode.") == (
        "<ol><li>Open Settings.</li><li>Tap Passcode.</li></ol>"
    )


def test_other_lines_become_paragraphs_and_everything_is_escaped():
    html = how_to_html("Open <b>Settings</b>.\n\nThen tap & hold.")
    assert html == "<p>Open &lt;b&gt;Settings&lt;/b&gt;.</p><p>Then tap &amp; hold.</p>"


def test_each_text_is_turned_into_html_once():
    how_to_html.cache_clear()
    how_to_html("1. Once.")
    how_to_html("1. Once.")
    assert how_to_html.cache_info().hits == 1
