"""`python -m aurelis` is the same as the `aurelis` console script."""

from aurelis.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
