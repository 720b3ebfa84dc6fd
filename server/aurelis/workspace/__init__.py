"""Documents, positions, languages and workspace folders: plain Python, no LSP."""
