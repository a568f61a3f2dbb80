from __future__ import annotations

import pytest

from qorgau.directory.services import service_types_load


@pytest.fixture
def service_types(db):
    service_types_load()
