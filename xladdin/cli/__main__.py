"""``python -m xladdin.cli``: the same as the ``xladdin`` command."""

import sys

from xladdin.cli import main

sys.exit(main())
