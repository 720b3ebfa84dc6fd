"""Opportunity mining: rules over the incremental tree produce findings with fixes.

- ``rule.py``: the Rule base class, Finding, Fix, Edit, categories and severities.
- ``context.py``: what a rule sees (document, lazily built ``ast`` tree, settings, helpers).
- ``rules/``: one module per rule; every ``Rule`` subclass there is registered automatically.
- ``registry.py``: discovers rules and selects them by code/prefix/category.
Plain Python: no pygls/lsprotocol here.
"""
