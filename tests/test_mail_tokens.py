"""The links' tokens: each made with its secret key and purpose, read back only with both."""

import pytest

from tracker.mail.tokens import TokenError, email_fingerprint, make_token, read_token

KEY_A, KEY_B = "a" * 40, "b" * 40


def test_the_fingerprint_is_keyed_by_the_secret_and_ignores_case_and_blanks():
    first = email_fingerprint(KEY_A, "Reader@Example.org")
    assert email_fingerprint(KEY_A, " reader@example.org") == first
    assert email_fingerprint(KEY_B, "reader@example.org") != first
    # Asked again after another key: still the first key's answer.
    assert email_fingerprint(KEY_A, "reader@example.org") == first
    assert email_fingerprint(KEY_A, "other@example.org") != first


def test_a_token_reads_back_only_with_its_key_and_purpose():
    token = make_token(KEY_A, purpose="manage", subscriber_id=7, email="reader@example.org")
    other = make_token(KEY_B, purpose="manage", subscriber_id=7, email="reader@example.org")
    assert token != other
    assert read_token(KEY_A, token, purpose="manage") == (
        7,
        email_fingerprint(KEY_A, "reader@example.org"),
    )
    for key, purpose in ((KEY_B, "manage"), (KEY_A, "confirm"), (KEY_A, "unsubscribe")):
        with pytest.raises(TokenError):
            read_token(key, token, purpose=purpose)
    assert read_token(KEY_B, other, purpose="manage")[0] == 7
