"""Helpers for the territory tests."""

import itertools

import pytest

from legami.core.tests import factories as f

# Explicit 6-digit codes, so that these tests do not depend on the shared factory sequence.
_codes = itertools.count(1)


@pytest.fixture
def make_municipality(db):
    """`make_municipality(name=...)` creates a Comune of the ISTAT table (province of Cremona)."""

    def _make(name=None, **kwargs):
        n = next(_codes)
        code = f"{n % 1000:03d}"
        return f.MunicipalityFactory(
            istat_code=kwargs.pop("istat_code", f"097{code}"),
            cadastral_code=kwargs.pop("cadastral_code", f"Y{code}"),
            name=name or f"Comune di prova {n}",
            **kwargs,
        )

    return _make
