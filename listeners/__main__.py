import sys

from listeners.cli import main

sys.exit(main())
