"""One module per rule. Codes: AUR1xx bug-risk, AUR2xx security, AUR3xx performance,
AUR4xx maintainability, AUR5xx documentation."""
