"""The AOMaaS loop over a workspace: mine opportunities (``collect``), rank them by impact
(``rank``: severity x size x churn), report them (``report``), write a grounded plan for a
large one (``plan``), implement that plan across files (``implement``) and verify the result
before it is offered (``verify``). Plain Python: the LSP commands and the CLI drive it."""
