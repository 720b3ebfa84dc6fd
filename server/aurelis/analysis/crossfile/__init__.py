"""Cross-file analysis: the workspace reference table (dead code) and
near-duplicate functions (embedding neighbours confirmed by normalised-token
similarity). ``run_crossfile`` runs both over paths for the CLI; the LSP layer
keeps a ``CrossFileWorkspace`` per folder up to date in the background."""
