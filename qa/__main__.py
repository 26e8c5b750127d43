"""``python -m qa`` is the ``policyqa`` command."""

from qa.app.cli import main

raise SystemExit(main())
