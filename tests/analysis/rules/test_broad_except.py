from aurelis.analysis.rules.broad_except import BroadExcept
from tests.analysis.rule_support import fixed, run


def test_flags_bare_and_base_exception_that_swallow():
    src = (
        "try:\n    a()\nexcept:\n    pass\n"
        "try:\n    b()\nexcept BaseException as exc:\n    log(exc)\n"
        "try:\n    c()\nexcept (ValueError, BaseException):\n    pass\n"
    )
    findings = run(BroadExcept, src)
    assert [src.encode()[f.start:f.end].decode() for f in findings] == [
        "except", "except BaseException", "except (ValueError, BaseException)",
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
    assert fixed(BroadExcept, "try:\n    a()\nexcept:\n    pass\n") == "try:\n    a()\nexcept Exception:\n    pass\n"
    assert fixed(BroadExcept, "try:\n    a()\nexcept BaseException as e:\n    log(e)\n") == (
        "try:\n    a()\nexcept Exception as e:\n    log(e)\n"
    )
