from aurelis.analysis.rules.broad_except import BroadExcept
from tests.analysis.rule_support import fixed, run


def test_flags_bare_and_base_exception_that_swallow():
    src = (
        "try:\n    a()\nexcept:\n    pass\n"
        "try:\n    b()\nexcept BaseException as exc:\n    cleanup()\n"
        "try:\n    c()\nexcept (ValueError, BaseException):\n    pass\n"
    )
    findings = run(BroadExcept, src)
    assert [src.encode()[f.start : f.end].decode() for f in findings] == [
        "except",
        "except BaseException",
        "except (ValueError, BaseException)",
    ]
    assert findings[0].fix and findings[1].fix and findings[2].fix is None


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "try:\n    a()\nexcept Exception:\n    pass\n"
        "try:\n    b()\nexcept:\n    cleanup()\n    raise\n"
        "try:\n    c()\nexcept BaseException as e:\n    if fatal(e):\n        raise\n    log(e)\n"
        "try:\n    d()\nexcept ValueError:\n    pass\n"
    )
    assert run(BroadExcept, src) == []


def test_raise_in_nested_function_does_not_count():
    src = "try:\n    a()\nexcept:\n    def later():\n        raise\n"
    assert len(run(BroadExcept, src)) == 1


def test_fix_catches_exception():
    assert (
        fixed(BroadExcept, "try:\n    a()\nexcept:\n    pass\n")
        == "try:\n    a()\nexcept Exception:\n    pass\n"
    )
    assert fixed(BroadExcept, "try:\n    a()\nexcept BaseException as e:\n    cleanup()\n") == (
        "try:\n    a()\nexcept Exception as e:\n    cleanup()\n"
    )


def test_deliberate_broad_handlers_are_not_flagged():
    src = (
        "try:\n    a()\nexcept (SystemExit, KeyboardInterrupt):\n    raise\nexcept BaseException as exc:\n    note()\n"
        "try:\n    b()\nexcept BaseException as exc:\n    future.set_exception(exc)\n"
        "try:\n    c()\nexcept:\n    logger.error('failed', exc_info=True)\n"
        "try:\n    d()\nexcept BaseException:\n    log.exception('failed')\n"
    )
    assert run(BroadExcept, src) == []


def test_bound_but_unused_exception_is_still_swallowed():
    assert len(run(BroadExcept, "try:\n    a()\nexcept BaseException as exc:\n    pass\n")) == 1


def test_raising_a_different_exception_is_not_a_re_raise():
    src = (
        "try:\n    a()\nexcept:\n    raise ValueError('bad input')\n"  # Ctrl-C becomes ValueError
        "try:\n    b()\nexcept:\n    if retry:\n        raise\n    note()\n"  # does not end in raise
        "try:\n    c()\nexcept BaseException:\n    raise RuntimeError('x') from None\n"
    )
    assert [src.encode()[f.start : f.end].decode() for f in run(BroadExcept, src)] == [
        "except",
        "except",
        "except BaseException",
    ]


def test_a_handler_ending_in_a_bare_raise_is_not_flagged():
    src = (
        "try:\n    a()\nexcept:\n    cleanup()\n    raise\n"
        "try:\n    b()\nexcept BaseException as exc:\n    rollback()\n    raise exc\n"
        "try:\n    c()\nexcept:\n    undo()\n    raise  # the caller decides\n"
    )
    assert run(BroadExcept, src) == []
