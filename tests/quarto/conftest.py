"""Set-up of the conformance suite: Quarto's source tree ($PORTRAITS_QUARTO_SOURCE), its
TypeScript bundled once into a temporary directory, its kernel side kept warm. Package scope: the
kernel is shut down after the last test of tests/quarto (later tests count leftover kernels)."""

from __future__ import annotations

import pytest

from .harness import QuartoFilters, QuartoKernel, QuartoRender, QuartoTS, build_bundle, quarto_source


@pytest.fixture(scope="package")
def quarto_root():
    return quarto_source()


@pytest.fixture(scope="package")
def quarto_ts(quarto_root, tmp_path_factory) -> QuartoTS:
    return QuartoTS(quarto_root, build_bundle(quarto_root, tmp_path_factory.mktemp("quarto-bundle")))


@pytest.fixture(scope="package")
def quarto_kernel(quarto_root):
    kernel = QuartoKernel(quarto_root)
    yield kernel
    kernel.close()


@pytest.fixture(scope="package")
def quarto_filters(quarto_root, quarto_ts) -> QuartoFilters:
    return QuartoFilters(quarto_root, quarto_ts)


@pytest.fixture(scope="package")
def quarto(quarto_ts, quarto_kernel, quarto_filters, tmp_path_factory) -> QuartoRender:
    """Every document is rendered as the same file in the same directory: Quarto's kernel side
    restarts its kernel when the input file changes (notebook_init), not between renders of one
    file with other parameters."""
    return QuartoRender(quarto_ts, quarto_kernel, quarto_filters, tmp_path_factory.mktemp("quarto-render"))
