import sys

from omradesatsing.cli import main

sys.exit(main())
