"""``python -m qa.llm assemble`` or ``python -m qa.llm bench``."""

from qa.llm.bench import main

raise SystemExit(main())
