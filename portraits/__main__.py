import sys

from portraits.cli import main

sys.exit(main())
