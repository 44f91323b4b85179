import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture
def live():
    """A :class:`tests.liveserver.LiveServer` over ``fixtures/`` for one test (see its docstring):
    ``live.crawlall(tmp_path, ["jiji"])`` runs ``scrapy crawlall jiji`` against it over HTTPS."""
    from tests.liveserver import LiveServer

    with LiveServer() as server:
        yield server
