"""The `aurelis` command line: one module per subcommand."""
