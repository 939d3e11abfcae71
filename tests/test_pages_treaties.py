"""Treaty pages read like the Treaty Office: real dates, no empty rows, links both ways."""

import re


def test_no_empty_date_rows_and_a_sentence_when_no_date_is_known(client):
    page = client.get("/treaties/ets-030").get_data(as_text=True)
    assert "<dd>—</dd>" not in page and "gives no date of signature" in page
    known = client.get("/treaties/ets-127").get_data(as_text=True)
    assert re.findall(r"<dt>(.*?)</dt>", known) == ["Entry into force"]
    assert 'since <time datetime="2015-04-08">8 April 2015</time>' in known


def test_state_badges_carry_their_text_and_dates_have_one_format(client):
    listing = client.get("/treaties").get_data(as_text=True)
    assert 'class="badge treaty-state treaty-state-in_force">In force</span>' in listing
    assert not re.search(r">\s*\d{4}-\d{2}-\d{2}\s*<", listing)  # ISO only inside datetime=""


def test_paragraphs_and_treaties_link_both_ways(client):
    item = client.get("/texts/res-2616/9.2.1").get_data(as_text=True)
    assert 'href="/treaties/cets-210"' in item
    treaty = client.get("/treaties/cets-210").get_data(as_text=True)
    assert 'href="/texts/res-2616/9.2.1"' in treaty and "accelerate progress towards" in treaty
