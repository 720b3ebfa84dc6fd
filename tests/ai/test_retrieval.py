"""Related chunks for the AI context come from the real workspace index (the
all-MiniLM-L6-v2 model from its PyPI package, hnswlib, BM25) by hybrid search."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.ai import context
from aurelis.ai.retrieval import index_retriever
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
