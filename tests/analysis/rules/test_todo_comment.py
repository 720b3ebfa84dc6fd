from aurelis.analysis.rule import Severity
from aurelis.analysis.rules.todo_comment import TodoComment
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run


def _flagged(src, settings=None):
    return [
        (src.encode()[f.start : f.end].decode(), f.message) for f in run(TodoComment, src, settings=settings)
    ]


def test_flags_each_marker_in_comments():
    src = (
        "# TODO: handle timeouts\n"
        "x = 1  # FIXME(alice) off by one   \n"
        "def f():\n"
        "    # XXX\n"
        "    return 2  # HACK - until the API is fixed\n"
        "y = 'é'  # TODO: ünïcode\n"
    )
    assert _flagged(src) == [
        ("TODO: handle timeouts", "TODO: handle timeouts"),
        ("FIXME(alice) off by one", "FIXME: (alice) off by one"),
        ("XXX", "XXX marker"),
        ("HACK - until the API is fixed", "HACK: until the API is fixed"),
        ("TODO: ünïcode", "TODO: ünïcode"),
    ]
    assert TodoComment.severity is Severity.HINT


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "# keep the todo list short\n"  # prose, lower case
        "s = 'TODO: this is data, not a comment'\n"
        "def f():\n"
        '    """FIXME in a docstring is documentation."""\n'
        "# TODOS and XXXL are other words; MYTODO too\n"
        "#!/usr/bin/env python\n"
    )
    assert _flagged(src) == []


def test_markers_option_replaces_the_list():
    settings = AnalysisSettings(options={"AUR407": {"markers": ["NOTE"]}})
    assert _flagged("# NOTE: x\n# TODO: y\n", settings) == [("NOTE: x", "NOTE: x")]


def test_long_comment_message_is_truncated_and_broken_code_is_fine():
    [(_, message)] = _flagged("# TODO " + "word " * 40 + "\n")
    assert len(message) == 100 and message.endswith("…")
    assert [m for _, m in _flagged("def f(:\n    # TODO: fix this\n")] == ["TODO: fix this"]


def test_malformed_markers_option_is_tolerated():
    one = AnalysisSettings(options={"AUR407": {"markers": "NOTE"}})  # a bare string, not a list
    assert _flagged("# NOTE: x\n# TODO: y\n", one) == [("NOTE: x", "NOTE: x")]
    junk = AnalysisSettings(options={"AUR407": {"markers": 42}})
    assert [m for _, m in _flagged("# TODO: y\n", junk)] == ["TODO: y"]
