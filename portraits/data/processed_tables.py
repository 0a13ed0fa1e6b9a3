"""Reading data/processed/: each table once per process (Parquet if there, else CSV, codes as
text), split by territory once. A missing, truncated or corrupt file raises
:class:`ProcessedDataError` naming it and the fix, never a reader's traceback."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from portraits.core.errors import ProcessedDataError


class ProcessedDataMissing(ProcessedDataError, FileNotFoundError):
    """data/processed has not been built."""


DTYPES = {"territory_id": "str", "geo_code": "str", "siren": "str", "insee_com": "str",
          "dep": "str", "reg": "str", "siren_epci": "str", "siren_groupement": "str",
          "region_code": "str", "year": "str", "a38": "str", "category": "str",
          "epci_siren": "str", "partial_epci": "str", "regions": "str", "departments": "str"}
# text columns whose empty cells the CSV reader would turn into NaN
TEXT_COLUMNS = ("name", "note_code", "note_args", "label", "zones", "match_method", "partial_epci",
                "partial_epci_names")
REBUILD_HINT = "run `portraits data --force` to rebuild data/processed"


@lru_cache(maxsize=None)
def load(name: str, directory: str) -> pd.DataFrame:
    """One processed table (Parquet if there, else CSV). A missing, truncated or corrupt
    file raises :class:`ProcessedDataError` naming it, never a reader's traceback."""
    path = Path(directory) / f"{name}.csv"
    pq = Path(directory) / f"{name}.parquet"
    if pq.is_file():
        try:
            df = pd.read_parquet(pq)
        except Exception as exc:  # pyarrow.ArrowInvalid, OSError...: a truncated or corrupt file
            raise ProcessedDataError(f"{pq} cannot be read ({_reason(exc)}): {REBUILD_HINT}") from None
        path = pq
    elif not path.is_file():
        raise ProcessedDataMissing(f"{path} is missing: run `portraits data` first")
    else:
        try:
            df = pd.read_csv(path, dtype={k: v for k, v in DTYPES.items()}, keep_default_na=True,
                             na_values=[""])
        except Exception as exc:  # EmptyDataError, ParserError, UnicodeDecodeError, bad dtype
            raise ProcessedDataError(f"{path} cannot be read ({_reason(exc)}): {REBUILD_HINT}") from None
        for col in TEXT_COLUMNS:
            if col in df and df[col].dtype != object:
                df[col] = df[col].fillna("")
    if "territory_id" not in df.columns:
        raise ProcessedDataError(f"{path} is not a processed table (no territory_id column): {REBUILD_HINT}")
    return df


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


@lru_cache(maxsize=None)
def split(name: str, directory: str) -> dict[str, pd.DataFrame]:
    df = load(name, directory)
    return {tid: g.reset_index(drop=True) for tid, g in df.groupby("territory_id", sort=False)}


def clear_cache() -> None:
    load.cache_clear()
    split.cache_clear()
