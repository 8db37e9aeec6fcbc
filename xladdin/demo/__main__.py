"""``python -m xladdin.demo [DIR]``: regenerate the demo extracts (default: the shipped ones)."""

from xladdin.demo.extracts import main

raise SystemExit(main())
