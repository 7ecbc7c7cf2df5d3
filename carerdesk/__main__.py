import sys

from carerdesk.cli.main import main

sys.exit(main())
