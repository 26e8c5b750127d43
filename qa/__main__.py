"""``python -m qa`` is the ``policyqa`` command."""

from qa.cli import main

raise SystemExit(main())
