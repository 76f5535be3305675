"""``python -m graph_loader`` is the ``portero`` command."""

from graph_loader.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
