"""Redaction before the prompt leaves, restoration before an edit is applied."""

from __future__ import annotations

from aurelis.ai.redaction import redact, restore

SRC = 'TOKEN = "ghp_' + "A1b2" * 9 + '"\npassword = "p4ss-word-1"\n'


def test_restore_puts_the_real_values_back_in_order():
    sent = redact(SRC)
    assert "p4ss-word-1" not in sent and "ghp_" not in sent
    echoed = sent.replace("password =", "password: str =")
    assert restore(echoed, SRC) == SRC.replace("password =", "password: str =")


def test_restore_leaves_unknown_markers_and_plain_code():
    assert restore("x = 1", SRC) == "x = 1"
    assert restore('k = "<redacted:aws-access-key>"', SRC) == 'k = "<redacted:aws-access-key>"'
