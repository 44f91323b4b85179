import sys

from crawler.distributed.cli import _cli

sys.exit(_cli())
