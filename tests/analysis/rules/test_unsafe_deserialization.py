from aurelis.analysis.rules.unsafe_deserialization import UnsafeDeserialization
from tests.analysis.rule_support import run


def flagged(src: str) -> list[tuple[str, str]]:
    text = src.encode()
    return [
        (text[f.start : f.end].decode(), f.message.split("`")[1]) for f in run(UnsafeDeserialization, src)
    ]


def test_flags_loads_under_every_import_form():
    src = (
        "import pickle\n"
        "import pickle as p\n"
        "import marshal, shelve\n"
        "from pickle import loads\n"
        "from dill import load as dload\n"
        "import joblib\n"
        "a = pickle.load(fh)\n"
        "b = p.loads(data)\n"
        "c = loads(blob)\n"
        "d = marshal.loads(code)\n"
        "with shelve.open('db') as db:\n"
        "    pass\n"
        "e = dload(fh)\n"
        "f = joblib.load('model.pkl')\n"
        "u = pickle.Unpickler(fh).load()\n"
    )
    assert flagged(src) == [
        ("pickle.load(fh)", "pickle.load"),
        ("p.loads(data)", "pickle.loads"),
        ("loads(blob)", "pickle.loads"),
        ("marshal.loads(code)", "marshal.loads"),
        ("shelve.open('db')", "shelve.open"),
        ("dload(fh)", "dill.load"),
        ("joblib.load('model.pkl')", "joblib.load"),
        ("pickle.Unpickler(fh)", "pickle.Unpickler"),
    ]


def test_lookalikes_are_not_flagged():
    src = (
        "import json, pickle, yaml\n"
        "from json import loads\n"
        "a = json.loads(s)\n"
        "b = loads(s)\n"  # json.loads
        "c = pickle.dumps(obj)\n"  # writing is fine
        "pickle.dump(obj, fh)\n"
        "d = cache.load(key)\n"  # some other object's load
        "e = torch.load(path)\n"  # not imported as a pickler here
        "def load(x):\n    return x\n"
        "f = load(data)\n"
    )
    assert flagged(src) == []
    assert flagged("data = pickle.loads(b)\n") == []  # `pickle` never imported: unknown name


def test_round_trips_of_bytes_produced_here_are_not_flagged():
    src = (
        "import pickle, marshal\n"
        "def test_roundtrip(obj):\n"
        "    assert pickle.loads(pickle.dumps(obj, 2)) == obj\n"
        "    data = pickle.dumps(obj)\n"
        "    assert pickle.loads(data) == obj\n"
        "    code = marshal.loads(marshal.dumps(obj))\n"
        "    blob = pickle.dumps(obj)\n"
        "    blob = receive()\n"
        "    return pickle.loads(blob)\n"  # rebound from elsewhere: flagged
    )
    assert flagged(src) == [("pickle.loads(blob)", "pickle.loads")]


def test_bad_input_yields_nothing():
    assert flagged("import pickle\npickle.loads(\n") == []
