import sys

from jumelage.observatory.engine.matching.cli import main

sys.exit(main())
