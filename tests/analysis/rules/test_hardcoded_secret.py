import pytest

from aurelis.analysis.rules.hardcoded_secret import HardcodedSecret
from tests.analysis.rule_support import run

OPENAI = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
GITHUB = "ghp_" + "Zz9Y" + "B1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q6"


def flagged(src: str, path: str = "/project/pkg/mod.py") -> list[tuple[str, str]]:
    text = src.encode()
    return [(text[f.start : f.end].decode(), f.message) for f in run(HardcodedSecret, src, path)]


def test_secret_names_in_every_binding_form():
    src = (
        'DB_PASSWORD = "S3cr3t!pass"\n'
        'client = Client(host="db", auth_token="tok-998877")\n'
        'config = {"client_secret": "qwertyuiop123"}\n'
        'def connect(user, password="hunter2-really"):\n'
        "    pass\n"
        'def login(api_key: str = "abcd1234efgh"):\n'
        "    pass\n"
        "class C:\n"
        "    def __init__(self):\n"
        '        self.secret_key = "django-insecure-abc123"\n'
    )
    assert flagged(src) == [
        (
            "S3cr3t!pass",
            "Hard-coded secret assigned to `DB_PASSWORD`; read it from the environment or a secret store",
        ),
        (
            "tok-998877",
            "Hard-coded secret assigned to `auth_token`; read it from the environment or a secret store",
        ),
        (
            "qwertyuiop123",
            "Hard-coded secret assigned to `client_secret`; read it from the environment or a secret store",
        ),
        (
            "hunter2-really",
            "Hard-coded secret assigned to `password`; read it from the environment or a secret store",
        ),
        (
            "abcd1234efgh",
            "Hard-coded secret assigned to `api_key`; read it from the environment or a secret store",
        ),
        (
            "django-insecure-abc123",
            "Hard-coded secret assigned to `secret_key`; read it from the environment or a secret store",
        ),
    ]


def test_well_known_key_shapes_anywhere():
    src = f'client = OpenAI(key="{OPENAI}")\nHEADERS = ["token {GITHUB}"]\n# old key: {OPENAI}\n'
    assert [m for _, m in flagged(src)] == [
        "Hard-coded OpenAI API key; read it from the environment or a secret store",
        "Hard-coded GitHub token; read it from the environment or a secret store",
        "Hard-coded OpenAI API key; read it from the environment or a secret store",
    ]
    assert [v for v, _ in flagged(src)] == [OPENAI, GITHUB, OPENAI]


def test_ranges_are_bytes_after_non_ascii_text():
    src = 'greeting = "héllo wörld"\npassword = "S3cr3t!pass"\n'
    ((value, _),) = flagged(src)
    assert value == "S3cr3t!pass"


@pytest.mark.parametrize(
    "src",
    [
        'password = ""\n',
        'password = "changeme"\n',
        'api_key = "<your-key>"\n',
        'token = "${GITHUB_TOKEN}"\n',
        'import os\napi_key = os.environ["API_KEY"]\n',
        'password = os.getenv("DB_PASSWORD")\n',
        'TOKEN_URL = "https://auth.example.com/oauth/token"\n',
        'password_prompt = "Enter-your-password:"\n',
        'tok.token_type = "invalid-obs-local-part"\n',
        'msg = {"password": "Enter your password"}\n',  # prose, not a credential
        'name = "hunter2-really"\n',
        'def f():\n    """Example::\n\n        password = "hunter2-really"\n    """\n',  # docstring example
        'if password == "hunter2-really":\n    pass\n',  # a comparison, not a binding
        'EXPIRED_TOKEN = "expired_token"\n',  # echoes its own name
        'HEADER_X_ACCESS_TOKEN = "X-Access-Token"\n',  # a header name
        'LINK_AUTH_KEY_HEADER = "link-auth"\n',
        'resp = {"id_token": "FOOBAR", "refresh_token": "hf_oauth__refresh_token"}\n',  # mock values
        'names = {TOKEN_COMMENT: "comment-x1"}\n',  # the key is a variable
        'TOKEN_KIND = "bearer"\n',  # one-case word: an enum-like constant
        'oov_token: str = "[UNK]"\n',
        'ACL_CREDENTIALS = "Access-Control-Allow-Credentials"\n',  # words joined by dashes
        'TokenIsInUse = "93503"\n',  # an error code
        'TOKEN_SPECIALS = r"!#$%&*+-.^_|~09"\n',  # a raw string: a pattern
        '_CONTROL_TOKEN_START = "\\U000f0000"\n',  # an escape sequence
    ],
)
def test_lookalikes_are_not_flagged(src: str):
    assert flagged(src) == []


def test_test_files_keep_fake_credentials_but_not_real_key_shapes():
    src = f'password = "hunter2-really"\nkey = "{OPENAI}"\n'
    assert [v for v, _ in flagged(src, "/project/tests/test_login.py")] == [OPENAI]
    assert [v for v, _ in flagged(src)] == ["hunter2-really", OPENAI]


def test_empty_and_broken_input():
    assert flagged("") == []
    assert flagged('password = "S3cr3t!pass"\nif (:\n') == [
        (
            "S3cr3t!pass",
            "Hard-coded secret assigned to `password`; read it from the environment or a secret store",
        )
    ]
