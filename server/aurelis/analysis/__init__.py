"""Opportunity mining: rules over the incremental tree produce findings with fixes.

- ``rule.py``: the Rule base class, Finding, Fix, Edit, categories and severities.
- ``context.py``: what a rule sees (document, lazily built ``ast`` tree, settings, helpers).
- ``rules/``: one module per rule; every ``Rule`` subclass there is registered automatically.
- ``registry.py``: discovers the rules.
- ``selection.py``: select/ignore/per-file-ignores and severity overrides (most specific selector wins).
- ``suppressions.py``: ``# aurelis: ignore[...]`` and ``# noqa: X`` comments.
- ``units.py``: a document's analysis units (functions, methods, class and module shells).
- ``unit_runner.py``: runs rules unit by unit, reusing cached results of unchanged units.
- ``engine.py``: ``analyze(doc, settings)`` runs the selected per-file rules (a crashing rule is skipped).
- ``fixes.py``: fix verification (parses, fires less) and ``fix_all``.
- ``docs.py``: the README rule table and docs/rules.md, generated from rule metadata.
Plain Python: no pygls/lsprotocol here.
"""
