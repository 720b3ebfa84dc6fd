from aurelis.analysis.rules.try_except_pass import TryExceptPass
from tests.analysis.rule_support import run


def _flagged(src, settings=None):
    return [src.encode()[f.start : f.end].decode() for f in run(TryExceptPass, src, settings=settings)]


def test_flags_broad_handlers_with_only_pass_or_ellipsis():
    src = (
        "try:\n    a()\nexcept:\n    pass\n"
        "try:\n    b()\nexcept Exception as exc:\n    ...\n"
        "try:\n    c()\nexcept (OSError, BaseException):\n    pass\n"
        "for x in y:\n    try:\n        d()\n    except Exception: pass\n"
    )
    assert _flagged(src) == [
        "except:\n    pass",
        "except Exception as exc:\n    ...",
        "except (OSError, BaseException):\n    pass",
        "except Exception: pass",
    ]
    messages = [f.message for f in run(TryExceptPass, src)]
    assert messages[0] == "bare `except:` with only `pass` swallows errors silently"
    assert messages[1] == "`except Exception` with only `pass` swallows errors silently"


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "try:\n    import fast\nexcept ImportError:\n    pass\n"  # narrow and typed: fine by default
        "try:\n    a()\nexcept Exception:\n    log.exception('a failed')\n"  # handled
        "try:\n    a()\nexcept Exception:\n    # best effort: the cache is optional\n    pass\n"  # explained
        "try:\n    a()\nexcept Exception:  # noqa: cleanup only\n    pass\n"
        "try:\n    a()\nexcept Exception:\n    pass\n    log('x')\n"  # not only pass
        "try:\n    pass\nfinally:\n    pass\n"
        "with contextlib.suppress(OSError):\n    pass\n"
    )
    assert _flagged(src) == []


def test_typed_handlers_are_flagged_when_the_option_is_on():
    from aurelis.config.analysis import AnalysisSettings

    settings = AnalysisSettings(options={"AUR103": {"check_typed_exception": True}})
    src = "try:\n    import fast\nexcept ImportError:\n    pass\n"
    assert _flagged(src, settings) == ["except ImportError:\n    pass"]
    assert _flagged(src) == []


def test_except_star_and_broken_code_do_not_raise():
    assert _flagged("try:\n    a()\nexcept* Exception:\n    pass\n") == ["except* Exception:\n    pass"]
    run(TryExceptPass, "try:\n    a(\nexcept:\n    pass\n")
    run(TryExceptPass, "except:\n")
