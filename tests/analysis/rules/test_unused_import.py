from aurelis.analysis.rules.unused_import import UnusedImport
from tests.analysis.rule_support import fixed, run


def messages(src, path="/project/pkg/mod.py"):
    return [f.message for f in run(UnusedImport, src, path)]


def test_flags_unused_imports_with_precise_ranges():
    src = "import os\nimport sys as system\nfrom a.b import c, d as e\nprint(c)\n"
    findings = run(UnusedImport, src)
    assert [f.message for f in findings] == [
        "`os` imported but unused",
        "`sys as system` imported but unused",
        "`d as e` imported but unused",
    ]
    assert [src.encode()[f.start : f.end].decode() for f in findings] == ["os", "sys as system", "d as e"]
    assert all(f.tags and f.fix for f in findings)


def test_flags_unused_import_inside_function_and_dotted():
    assert messages("import os.path\ndef f():\n    import json\n    return 1\n") == [
        "`os.path` imported but unused",
        "`json` imported but unused",
    ]


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "from __future__ import annotations\n"
        "import os, sys\n"
        "from typing import TYPE_CHECKING\n"
        "from x import y as y\n"
        "import shared as shared\n"
        "from pkg import exported, star_user\n"
        "from pkg2 import *\n"
        "if TYPE_CHECKING:\n"
        "    from big import Model\n"
        "    from big import Other\n"
        "try:\n"
        "    import ujson\n"
        "except ImportError:\n"
        "    ujson = None\n"
        "import typing_only\n"
        "__all__ = ['exported']\n"
        "__all__ += ['star_user']\n"
        "def f(m: 'Model') -> 'list[typing_only.T]':\n"
        "    x = cast('Other', m)\n"
        "    return os.path.join(sys.argv[0])\n"
    )
    assert messages(src) == []


def test_init_file_reexports_are_not_flagged_but_function_imports_are():
    src = "from .core import Engine\nimport json\ndef f():\n    import os\n"
    assert messages(src, "/project/pkg/__init__.py") == ["`os` imported but unused"]


def test_type_comment_use_counts():
    assert messages("from typing import List\nx = []  # type: List[int]\n") == []


def test_fix_removes_whole_statements_and_single_names():
    assert (
        fixed(UnusedImport, "import os\nimport sys\n\nprint(sys.argv)\n") == "import sys\n\nprint(sys.argv)\n"
    )
    assert fixed(UnusedImport, "from a import b, c, d\nprint(c)\n") == "from a import c\nprint(c)\n"
    assert (
        fixed(UnusedImport, "from a import (\n    b,\n    c,\n)\nprint(b)\n")
        == "from a import (\n    b,\n)\nprint(b)\n"
    )
    assert fixed(UnusedImport, "import os, sys as s\nprint(os)\n") == "import os\nprint(os)\n"


def test_fix_keeps_blocks_non_empty():
    src = "import typing\nif typing.TYPE_CHECKING:\n    import a\n    import b\nx = 1\n"
    assert fixed(UnusedImport, src) == "import typing\nif typing.TYPE_CHECKING:\n    pass\nx = 1\n"


def test_no_fix_when_statement_shares_a_line():
    (finding,) = run(UnusedImport, "x = 1; import os\nprint(x)\n")
    assert finding.fix is None


def test_syntax_error_yields_nothing():
    assert run(UnusedImport, "import os\ndef (:\n") == []


def test_import_in_class_body_is_an_attribute():
    assert messages("class M:\n    from email.iterators import walk\n") == []


def test_a_compat_module_imports_for_others():
    src = "from collections import OrderedDict\nfrom io import StringIO\n"
    assert run(UnusedImport, src, "/project/src/requests/compat.py") == []
    assert run(UnusedImport, src, "/project/src/click/_compat.py") == []
    assert len(run(UnusedImport, src, "/project/src/requests/models.py")) == 2


def test_a_dotted_import_that_loads_a_submodule_for_an_alias_is_not_flagged():
    # concurrent/futures/process.py: `mp.connection.wait(...)` needs the submodule loaded
    src = "import multiprocessing as mp\nimport multiprocessing.connection\n\nmp.connection.wait([])\n"
    assert run(UnusedImport, src) == []
    # without the alias the dotted import is what binds the name: unused is unused
    assert len(run(UnusedImport, "import os.path\n")) == 1
