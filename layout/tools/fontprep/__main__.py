"""``python -m layout.tools.fontprep``: the font preparation without the layout CLI."""

import sys

from layout.tools.fontprep import main

sys.exit(main())
