"""«Инциденты»: the entry point. Without arguments opens the window; see ``--help``."""
import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
