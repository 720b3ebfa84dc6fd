"""The shared secret detector: what counts as a secret and what is only a placeholder."""

from __future__ import annotations

import itertools

import pytest

from aurelis.analysis.secrets import find_secrets, redact

OPENAI = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
GITHUB = "ghp_" + "a" * 4 + "B1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"


def values(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_secrets(text)]


@pytest.mark.parametrize(
    "line, secret",
    [
        ('password = "hunter2-really"', "hunter2-really"),
        ("DB_PASSWORD = 'S3cr3t!pass'", "S3cr3t!pass"),
        ('api_key: str = "abcd1234efgh"', "abcd1234efgh"),
        ('connect(host="db", auth_token="tok-998877")', "tok-998877"),
        ('{"client_secret": "qwertyuiop123"}', "qwertyuiop123"),
        ('SECRET_KEY = b"django-insecure-abc123"', "django-insecure-abc123"),
    ],
)
def test_assignment_to_secret_name(line: str, secret: str):
    assert values(line) == [secret]
    assert [s.kind for s in find_secrets(line)] == ["assignment"]


@pytest.mark.parametrize(
    "text, kind, secret",
    [
        (f'client = OpenAI(key="{OPENAI}")', "openai-key", OPENAI),
        (f"TOKEN_FOR_CI = '{GITHUB}'", "github-token", GITHUB),
        (f"aws = '{AWS}'", "aws-access-key", AWS),
        ("hook = 'xoxb-123456789012-abcdefghij'", "slack-token", "xoxb-123456789012-abcdefghij"),
    ],
)
def test_well_known_key_shapes(text: str, kind: str, secret: str):
    found = find_secrets(text)
    assert [(text[s.start : s.end], s.kind) for s in found] == [(secret, kind)]


def test_private_key_block():
    text = 'KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----"""\n'
    (match,) = find_secrets(text)
    assert match.kind == "private-key"
    assert text[match.start : match.end].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert text[match.start : match.end].endswith("-----END RSA PRIVATE KEY-----")


@pytest.mark.parametrize(
    "line",
    [
        'password = ""',
        'password = "changeme"',
        'api_key = "<your-key>"',
        'token = "xxx"',
        'secret = "xxxxxxxx"',
        'api_key = os.environ["API_KEY"]',
        'password = os.getenv("DB_PASSWORD")',
        'token = "${GITHUB_TOKEN}"',
        'password = "{password}"',
        'name = "hunter2-really"',  # not a secret-looking name
        "password_hint = None",
    ],
)
def test_placeholders_and_env_lookups_are_not_secrets(line: str):
    assert find_secrets(line) == []


def test_redact_keeps_code_and_replaces_values():
    text = f'password = "hunter2-really"\nkey = "{OPENAI}"\nx = 1\n'
    out = redact(text)
    assert "hunter2-really" not in out and OPENAI not in out
    assert out == 'password = "<redacted:assignment>"\nkey = "<redacted:openai-key>"\nx = 1\n'


def test_matches_are_sorted_and_disjoint():
    text = f'api_key = "{OPENAI}"; password = "p4ssw0rd-x"; other = "{GITHUB}"'
    found = find_secrets(text)
    assert [s.kind for s in found] == ["openai-key", "assignment", "github-token"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_fast_assignment_scan_finds_exactly_what_the_full_regex_finds():
    """`find_secrets` only tries the assignment regex at word starts holding a secret keyword;
    on real code and on tricky text that must give the same matches as a scan of every position."""
    import json
    from pathlib import Path

    from aurelis.analysis import secrets

    stdlib = Path(json.__file__).parent.parent
    texts = [
        (stdlib / name).read_text(encoding="utf-8")
        for name in ("email/_header_value_parser.py", "http/cookiejar.py", "smtplib.py", "netrc.py")
    ]
    texts += [
        'x="password"  password = "a1" \'token\': "b2", éapi_key="c3" my_TOKEN_2: str = \'d4\'',
        'passwordtoken="e5"; (secret="f6") api_key = """g7""" "token" : """h8"""',
        "TOKEN=\"\"\nTOKEN = 'x' 'y'\npwd = 'hunter2' # pwd='z9'\n",
    ]
    for text in texts:
        expected = [(m.start(), m.end()) for m in secrets._ASSIGNMENT.finditer(text)]
        assert [(m.start(), m.end()) for m in secrets._assignments(text)] == expected
        assert expected or text is not texts[0]
