from aurelis.analysis.rules.unsafe_yaml_load import UnsafeYamlLoad
from tests.analysis.rule_support import fixed, run


def test_flags_load_without_safe_loader():
    src = (
        "import yaml\nimport yaml as y\nfrom yaml import load\n"
        "a = yaml.load(s)\nb = y.load(s, Loader=y.FullLoader)\nc = load(s)\nd = yaml.load_all(s, yaml.UnsafeLoader)\n"
    )
    findings = run(UnsafeYamlLoad, src)
    assert [src.encode()[f.start : f.end].decode() for f in findings] == [
        "yaml.load(s)",
        "y.load(s, Loader=y.FullLoader)",
        "load(s)",
        "yaml.load_all(s, yaml.UnsafeLoader)",
    ]
    assert [bool(f.fix) for f in findings] == [True, True, False, True]


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "import yaml\nimport json\n"
        "a = yaml.safe_load(s)\nb = yaml.load(s, Loader=yaml.SafeLoader)\nc = yaml.load(s, yaml.CSafeLoader)\n"
        "d = json.load(f)\ne = pickle_like.load(f)\n"
    )
    assert run(UnsafeYamlLoad, src) == []
    assert run(UnsafeYamlLoad, "def f(yaml):\n    return yaml.load(s)\n") == []  # not the yaml module


def test_fix_uses_safe_load():
    assert (
        fixed(UnsafeYamlLoad, "import yaml\ncfg = yaml.load(s)\n") == "import yaml\ncfg = yaml.safe_load(s)\n"
    )
    assert fixed(UnsafeYamlLoad, "import yaml\ncfg = yaml.load(s, Loader=yaml.Loader)\n") == (
        "import yaml\ncfg = yaml.safe_load(s)\n"
    )
    assert fixed(UnsafeYamlLoad, "import yaml\nxs = yaml.load_all(s, yaml.FullLoader)\n") == (
        "import yaml\nxs = yaml.safe_load_all(s)\n"
    )
