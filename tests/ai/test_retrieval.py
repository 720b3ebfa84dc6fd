"""Related chunks for the AI context come from the real workspace index (the
all-MiniLM-L6-v2 model from its PyPI package, hnswlib, BM25) by hybrid search."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.ai import context
from aurelis.ai.retrieval import index_retriever
from aurelis.ai.tokens import Estimate
from aurelis.config.index import IndexSettings
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from aurelis.workspace.document import Document

BILLING = '''def invoice_total(lines):
    """Sum of quantity times unit price over the invoice lines, with VAT."""
    net = sum(l.quantity * l.unit_price for l in lines)
    return round(net * 1.2, 2)
'''

MAIL = '''def send_welcome_email(user):
    """Greets a new user by e-mail."""
    return smtp.send(user.email, "Welcome!")
'''

APP = """def checkout(cart):
    total = compute_invoice_amount(cart.lines)
    return charge(cart.customer, total)
"""


def test_context_gets_the_related_chunk_by_hybrid_search(tmp_path: Path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "billing.py").write_text(BILLING)
    (root / "mail.py").write_text(MAIL)
    (root / "app.py").write_text(APP)
    embedder = Embedder(cache_dir=tmp_path / "emb")
    index = WorkspaceIndex(root, IndexSettings(), embedder, index_dir=tmp_path / "index")
    index.build()
    retrieve = index_retriever(index)
    assert embedder.loaded  # built: the search below is hybrid (dense + BM25)
    doc = Document((root / "app.py").as_uri(), APP, 1, "python")
    ctx = context.build(doc, 0, 0, budget=2000, root=root, retriever=retrieve, related_k=1)
    related = [s for s in ctx.sections if s.title.startswith("related:")]
    assert related and related[0].path == "billing.py" and related[0].line == 1
    assert "def invoice_total(lines):" in related[0].text
    assert not any(s.path == "app.py" for s in related)  # the target itself is not "related"


def test_related_code_is_counted_with_the_embedding_tokenizer_and_fits_the_budget(tmp_path: Path):
    """The hits carry the embedding model's own count (its tokenizer file), and the context
    budget spends that count: text whose characters undercount its tokens (CJK: one word
    piece a character, where ~4 characters a token would see a quarter) is held to it."""
    root = tmp_path / "ws"
    root.mkdir()
    cjk = "def 合計(値):\n    " + "\n    ".join(f'"""{"数据处理" * 20}"""' for _ in range(4)) + "\n"
    (root / "cjk.py").write_text(cjk, "utf-8")
    (root / "app.py").write_text(APP)
    embedder = Embedder(cache_dir=tmp_path / "emb")
    index = WorkspaceIndex(root, IndexSettings(), embedder, index_dir=tmp_path / "index")
    index.build()
    hits = index_retriever(index)("数据处理 合計", 5)
    hit = next(h for h in hits if h.path == "cjk.py")
    assert hit.tokens == embedder.count_tokens(hit.text)
    estimate = Estimate()
    assert hit.tokens > 3 * estimate.count(hit.text)  # a real count, far from len/4 here

    doc = Document((root / "app.py").as_uri(), APP, 1, "python")
    # a budget the hit fits by the estimate, not by its real count
    budget = estimate.count(APP) + estimate.count(hit.text) + 40

    def only(h):
        return lambda q, k, anchor=None: [h]

    ctx = context.build(doc, 0, 0, budget=budget, root=root, retriever=only(hit), related_k=1)
    assert not [s for s in ctx.sections if s.path == "cjk.py"] and ctx.dropped == 1
    assert ctx.tokens <= budget
    unknown = context.Related(hit.path, hit.start_line, hit.end_line, hit.text, hit.score)  # no count
    ctx = context.build(doc, 0, 0, budget=budget, root=root, retriever=only(unknown), related_k=1)
    assert [s for s in ctx.sections if s.path == "cjk.py"]  # the estimate alone would let it in
