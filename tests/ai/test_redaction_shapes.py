"""Every secret shape that must not reach a prompt, each with a look-alike that must be kept
(redaction that eats ordinary code makes the AI answer worse for nothing)."""

from __future__ import annotations

import pytest

from aurelis.ai.redaction import redact, restore
from aurelis.analysis.secrets import find_secrets

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
PGP = (
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0Jx1sBCADQ7Rq9Z3mB2k\n=Zx9Q\n"
    "-----END PGP PRIVATE KEY BLOCK-----"
)

# shape -> (source, the secret that must not survive)
REDACTED = {
    "pgp-private-key-block": (f'KEY = """{PGP}"""\n', "lQOYBF0Jx1sBCADQ7Rq9Z3mB2k"),
    "aws-key-assignment": ('aws_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ81kLm"\n', "wJalrXUtnFEMI/K7MDENG"),
    "password-in-url": ('DB = "postgresql://app:Tr0ub4dor-3@db.internal:5432/shop"\n', "Tr0ub4dor-3"),
    "bearer-jwt": (f'headers = {{"Authorization": "Bearer {JWT}"}}\n', JWT[:40]),
    "environ-get-secret-default": (
        'token = os.environ.get("API_TOKEN", "tk_9f8e7d6c5b4a3f2e1d0c")\n',
        "tk_9f8e7d6c5b4a",
    ),
    "concatenated-secret": ('password = "hunter" + "2-extra-Secret"\n', "2-extra-Secret"),
    "triple-quoted-secret": ('db_password = """\n  s3cr3t-Multi-Line\n"""\n', "s3cr3t-Multi-Line"),
    "secret-in-comment": ("# password: Sup3r-S3cret!\nconnect()\n", "Sup3r-S3cret!"),
    "mysql-p-in-string": ('os.system("mysql -u root -pR00tPa55word shop < dump.sql")\n', "R00tPa55word"),
    "credential-tuple": ('requests.get(url, auth=("admin", "adm1n-Pa55!"))\n', "adm1n-Pa55!"),
    "credential-dict": ('DB = {"user": "app", "password": "d1ct-Pa55word"}\n', "d1ct-Pa55word"),
    "high-entropy-literal": ('signing_salt = "q9ZxT2mV8pLr4KwN7bYd"\n', "q9ZxT2mV8pLr4KwN7bYd"),
    "openai-key": ('client = OpenAI(api="sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2")\n', "sk-proj-A1b2C3d4E5f6"),
    "github-token": ('GH = "ghp_' + "a1B2" * 9 + '"\n', "ghp_a1B2a1B2"),
    "aws-access-key-id": ('ID = "AKIAIOSFODNN7EXAMPLF"\n', "AKIAIOSFODNN7EXAMPLF"),
    "pem-private-key": (
        'K = """-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"""\n',
        "MIIEow",
    ),
    "secret-named-assignment": ('api_secret = "plain-but-secret-1"\n', "plain-but-secret-1"),
}

# shape -> source that resembles it but holds no secret (kept byte for byte)
KEPT = {
    "pgp-public-key-block": "PUB = '-----BEGIN PGP PUBLIC KEY BLOCK-----'\n",
    "sort-key-assignment": 'sort_key = "last_name"\n',
    "url-without-password": 'URL = "https://user@example.com:8443/path?q=1"\n',
    "bearer-placeholder": 'headers = {"Authorization": f"Bearer {token}"}\n',
    "environ-get-harmless-default": 'host = os.environ.get("DB_HOST", "localhost")\n',
    "concatenated-ordinary-strings": 'label = "api" + "_key"\n',
    "triple-quoted-docstring": 'HELP = """Passwords must be at least 12 characters."""\n',
    "comment-about-passwords": "# the password is stored hashed with a per-user salt\n",
    "mysql-prompting-for-password": 'os.system("mysql -u root -p shop")\n',
    "tuple-of-ordinary-strings": 'point = ("north", "south-east")\n',
    "dict-with-placeholder-password": 'DB = {"user": "app", "password": "<your-password>"}\n',
    "low-entropy-literal": 'cache_key = "user-profile-v2"\n',
    "hash-constant": 'EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"\n',
    "env-read-not-a-literal": 'password = os.environ["DB_PASSWORD"]\n',
}


@pytest.mark.parametrize("shape", sorted(REDACTED))
def test_shape_is_redacted(shape: str):
    source, secret = REDACTED[shape]
    sent = redact(source)
    assert secret not in sent, sent
    assert "<redacted:" in sent
    assert restore(sent, source) == source  # the user's file keeps its value when the model echoes it


@pytest.mark.parametrize("shape", sorted(KEPT))
def test_look_alike_is_kept(shape: str):
    source = KEPT[shape]
    assert redact(source) == source


def test_the_rule_keeps_to_the_precise_shapes():
    """`hardcoded-secret` (precision first) does not flag comments or command lines; prompts do."""
    assert find_secrets(REDACTED["secret-in-comment"][0]) == []
    assert find_secrets(REDACTED["mysql-p-in-string"][0]) == []
    assert find_secrets(REDACTED["secret-in-comment"][0], thorough=True)
