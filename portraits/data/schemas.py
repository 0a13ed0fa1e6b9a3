"""Declared schemas of the raw tables, and the one reader that validates them.

Every raw table is read by :func:`read` with explicit dtypes (codes as text) and only the
columns it uses, then checked against a pandera schema before anything else touches it.
A missing column or a bad value raises :class:`RawSchemaError`, whose message names the
column and the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from portraits.core import config
from portraits.data import indicators, note_codes
from portraits.core.errors import RawSchemaError
from portraits.data.sources import Source, load_sources


COM_CODE = r"^(\d{5}|2[AB]\d{3})$"            # commune or arrondissement code
SIREN = r"^\d{9}$"
TI_ID = r"^ti-\d{4}$"
REG = r"^\d{2}$"


def _num(nullable: bool = True, ge: float | None = 0) -> pa.Column:
    checks = [pa.Check.ge(ge)] if ge is not None else []
    return pa.Column(float, checks=checks, nullable=nullable, coerce=True)


def _code(regex: str, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=pa.Check.str_matches(regex), nullable=nullable, unique=unique)


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable)


@dataclass(frozen=True)
class RawSpec:
    """How to read one raw file: separator, header offset, columns and their schema."""
    source_id: str
    sep: str
    columns: dict[str, pa.Column]
    skiprows: int = 0
    engine: str = "c"
    na_values: tuple[str, ...] = ()
    checks: list = field(default_factory=list)

    def schema(self) -> pa.DataFrameSchema:
        return pa.DataFrameSchema(self.columns, checks=self.checks, strict=False,
                                  name=self.source_id)


# ---------------------------------------------------------------- declared schemas

SPECS: dict[str, RawSpec] = {}


def _spec(spec: RawSpec) -> None:
    SPECS[spec.source_id] = spec


_spec(RawSpec("ti_territoires", ",", {
    "id_ti": _code(TI_ID, unique=True),
    "lib_ti": _text(),
    "lib_ti_2023_11_07": _text(nullable=True),
    "insee_reg_id": _code(REG),
    "lib_reg_id": _text(),
    "outre_mer": pa.Column(str, pa.Check.isin(["oui", "non"])),
    "regions_couvertes": _text(),
    "departements_couverts": _text(),
    "n_groupements": _num(False),
    "n_epci": _num(False),
    "n_ept": _num(False),
    "n_communes_isolees": _num(False),
    "n_communes_cog2023": _num(False),
    "epci_partiellement_inclus": _text(nullable=True),
}, checks=[pa.Check(lambda d: len(d) == 183, error="183 territories expected")]))

_spec(RawSpec("ti_groupements", ",", {
    "id_ti": _code(TI_ID),
    "siren_groupement": _code(SIREN, unique=True),
    "lib_groupement": _text(),
    "nom_decoupage_2024": _text(nullable=True),
    "type_groupement": pa.Column(str, pa.Check.isin(["EPCI", "EPT", "COM"])),
    "nature": _text(),
    "insee_com": _code(COM_CODE, nullable=True),
    "siren_epci_de_rattachement": _code(SIREN, nullable=True),
    "n_communes_cog2024": _num(True),
}))

_TI_COMMUNES = {
    "id_ti": _code(TI_ID),
    "insee_com": _code(COM_CODE, unique=True),
    "lib_com": _text(),
    "insee_dep": _text(),
    "insee_reg": _code(REG),
    "siren_epci": _code(SIREN),
    "siren_groupement": _code(SIREN),
    "type_groupement": pa.Column(str, pa.Check.isin(["EPCI", "EPT", "COM"])),
}
_spec(RawSpec("ti_communes_cog2023", ",", dict(_TI_COMMUNES)))
_spec(RawSpec("ti_communes_cog2024", ",", dict(_TI_COMMUNES)))

_spec(RawSpec("comparateur_2024", ",", {
    "insee_com": _code(COM_CODE),
    "insee_reg": _code(REG, nullable=True),
    "insee_dep": _text(nullable=True),
    "commune": _text(),
    "commune_type": pa.Column(str, pa.Check.isin(["COM", "COMD", "ARM"])),
    "insee_parente": _code(COM_CODE, nullable=True),
    "superficie_km2": _num(),
    "population_2021": _num(),
    "population_2015": _num(),
    "menages_2021": _num(),
    "pop_15_64_totale_2021": _num(),
    "pop_15_64_chomage_2021": _num(),
    "pop_15_64_active_2021": _num(),
}))

_spec(RawSpec("comparateur_2022", ";", {
    "CODGEO": _code(COM_CODE, unique=True),
    **{c: _num() for c in [
        "P18_POP", "P13_POP", "SUPERF", "P18_EMPLT", "P18_EMPLT_SAL", "P13_EMPLT",
        "P18_POP1564", "P18_CHOM1564", "P18_ACT1564", "ETTOT18", "ETAZ18", "ETBE18",
        "ETFZ18", "ETGU18", "ETGZ18", "ETOQ18", "ETTEF118", "ETTEFP1018"]},
}))

_spec(RawSpec("statloc_revenus", ";", {
    "Code": _code(COM_CODE, unique=True),
    "Libellé": _text(),
    "Nb de ménages fiscaux 2021": _num(),
    "Médiane du niveau de vie 2021": _num(),
}, skiprows=2, na_values=("N/A - résultat non disponible", "N/A - division par 0", "N/A")))

_spec(RawSpec("urssaf_private_jobs", ";", {
    "code": _text(),
    "echelon": pa.Column(str, pa.Check.isin(
        ["communes", "epci", "ze", "dep", "reg", "uu", "bv", "aav", "france"])),
    "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
    "eff_total": _num(False),
}, engine="pyarrow"))

_spec(RawSpec("flores_a38_ze", ";", {
    "code_ze": _code(r"^\d{4}$"),
    "a38": _code(r"^[A-Z]{2}$"),
    "a5": _code(r"^(AZ|BE|FZ|GU|OQ)$"),
    "lib": _text(),
    "eff_22": _num(),
    "eff_23": _num(),
}))

_PTOD_EPCI_COLS = {"code": _text(), "libelle": _text(), "type_epci": _text(nullable=True)}

_spec(RawSpec("ptod_epci", ";", {
    **_PTOD_EPCI_COLS,
    **{c: _num(ge=None) for c in ["P22_POP", "rev_med_21", "rev_txpauv_21",
                                  "dsp_csp_ouvriers_pct_22", "dsp_csp_cadres_pct_22",
                                  "dsp_dipl_infbac_pct_22", "dsp_dipl_supbac2_pct_22"]},
}))

_SECT = ["eco_sectagri_pct_22", "eco_sectindus_pct_22", "eco_sectconst_pct_22",
         "eco_sectservi_pct_22", "eco_sectadmin_pct_22"]

_spec(RawSpec("ptod_epci_exdeco", ";", {
    **_PTOD_EPCI_COLS,
    **{c: _num(ge=None) for c in _SECT + ["eco_eff_grandes_pct_23", "eco_eff_petites_pct_23",
                                           "eco_ratio_emplt_actoc_22"]},
}))

_spec(RawSpec("ptod_communes_5k", ";", {
    "code": _text(),
    "libelle": _text(),
    # the commune's EPCI and, in the Métropole du Grand Paris, its EPT (else the EPCI again)
    "EPCI": _text(nullable=True),
    "EPCI_EPT": _text(nullable=True),
    **{c: _num(ge=None) for c in _SECT + ["eco_eff_grandes_pct_23", "rev_txpauv_21",
                                           "eco_ratio_emplt_actoc_22"]},
}))

_IRIS_PCT = ["dm_0014_pct_22", "dm_1524_pct_22", "dmv_60p_pct_22", "dsp_csp_ouvriers_pct_22", "dsp_csp_cadres_pct_22",
             "dsp_dipl_infbac_pct_22", "dsp_dipl_supbac2_pct_22"]
_spec(RawSpec("ptod_iris", ";", {
    "code": _text(),
    "COM": _code(COM_CODE),
    "epci": _text(nullable=True),   # the EPCI, or in the Métropole du Grand Paris the EPT
    "P22_POP": _num(),
    # shares are percentages; a few tiny IRIS carry rounding artefacts above 100 in the
    # derived file, so only the sign is checked (they weigh nothing once weighted by P22_POP)
    **{c: _num() for c in _IRIS_PCT},
}, engine="pyarrow"))

_spec(RawSpec("cog_appartenance_2022", ";", {
    "CODGEO": _code(COM_CODE, unique=True),
    "LIBGEO": _text(),
    "DEP": _text(),
    "REG": _code(REG),
    "EPCI": _text(),
    "ZE2020": _code(r"^\d{4}$"),
}))

_spec(RawSpec("cog_zones_2022", ";", {
    "NIVGEO": _text(), "CODGEO": _text(), "LIBGEO": _text(),
}))

_spec(RawSpec("naf_a38", ";", {
    "Code\nA 38": _code(r"^[A-Z]{2}$"),
    "Description\n (Français)": _text(),
}))


# ---------------------------------------------------------------- reader

def read(source_id: str, raw_dir: Path | None = None, sources: dict[str, Source] | None = None,
         path: Path | None = None) -> pd.DataFrame:
    """Read one raw table (only its declared columns, codes as text) and validate it."""
    spec = SPECS[source_id]
    if path is None:
        source = (sources or load_sources())[source_id]
        path = source.raw_path(raw_dir or config.raw_dir())
    header = pd.read_csv(path, sep=spec.sep, skiprows=spec.skiprows, nrows=0,
                         encoding="utf-8-sig").columns
    # read only the declared columns that are there; a missing one is reported by the
    # schema below (with the column's name), not by the CSV reader
    present = [c for c in spec.columns if c in header]
    dtypes = {}
    for c in present:
        kind = str(spec.columns[c].dtype)
        if kind.startswith("float"):
            dtypes[c] = "float64"            # numbers: "N/A ..." markers become NaN (na_values)
        elif kind.startswith("int"):
            continue                         # integers: parsed, then coerced by the schema
        else:
            dtypes[c] = "string" if spec.engine == "pyarrow" else "str"   # codes keep leading zeros
    kwargs = dict(sep=spec.sep, skiprows=spec.skiprows, usecols=present, dtype=dtypes,
                  encoding="utf-8-sig")
    if spec.na_values:
        kwargs["na_values"] = list(spec.na_values)
    if spec.engine == "pyarrow":
        kwargs["engine"] = "pyarrow"
    try:
        df = pd.read_csv(path, **kwargs)
    except ValueError as exc:
        raise RawSchemaError(f"{path} ({source_id}): cannot read declared columns: {exc}") from None
    try:
        df = spec.schema().validate(df, lazy=False)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as exc:
        raise RawSchemaError(f"{path} ({source_id}) does not match its schema: {exc}") from None
    # codes are then handled as plain Python strings (object dtype): hashing, mapping and
    # membership tests on tens of thousands of codes are several times faster that way
    for c in df.columns:
        if df[c].dtype.kind not in "fiub":
            df[c] = df[c].astype(object)
    return df


# ---------------------------------------------------------------- processed tables (the contract)

def _json_object_or_empty(text: str) -> bool:
    if text == "":
        return True
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


PROCESSED: dict[str, pa.DataFrameSchema] = {
    "territories": pa.DataFrameSchema({
        "territory_id": _code(TI_ID, unique=True),
        "name": _text(), "region_code": _code(REG), "region_name": _text(),
        "overseas": pa.Column(bool), "regions": _text(), "departments": _text(),
        "n_members": pa.Column(int, pa.Check.ge(1)), "n_epci": pa.Column(int),
        "n_ept": pa.Column(int), "n_single_communes": pa.Column(int),
        "n_communes": pa.Column(int, pa.Check.ge(1)), "has_partial_epci": pa.Column(bool),
    }, checks=pa.Check(lambda d: len(d) == 183, error="183 territories expected"), name="territories"),
    "members": pa.DataFrameSchema({
        "territory_id": _code(TI_ID), "siren": _code(SIREN, unique=True), "name": _text(),
        "type": pa.Column(str, pa.Check.isin(["EPCI", "EPT", "COM"])), "nature": _text(),
        "n_communes": pa.Column(int, pa.Check.ge(1)), "partial": pa.Column(bool),
    }, name="members"),
    "communes": pa.DataFrameSchema({
        "territory_id": _code(TI_ID), "insee_com": _code(COM_CODE, unique=True), "name": _text(),
        "dep": _text(), "reg": _code(REG), "siren_epci": _code(SIREN), "epci_name": _text(nullable=True),
    }, name="communes"),
    "indicators": pa.DataFrameSchema({
        "territory_id": _code(TI_ID),
        "level": pa.Column(str, pa.Check.isin(list(indicators.LEVELS))),
        "geo_code": _text(), "geo_label": _text(), "indicator_id": _text(), "year": _text(),
        "value": pa.Column(float, nullable=True), "unit": _text(),
        "status": pa.Column(str, pa.Check.isin(["ok", "nd", "s"])),
        "approx": pa.Column(bool),
        "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "n_ranked": pa.Column("Int64", nullable=True),
        "note_code": pa.Column(str, pa.Check.isin(sorted(note_codes.CODES | {""}))),
        "note_args": pa.Column(str, pa.Check(_json_object_or_empty, element_wise=True,
                                             error="note_args is a JSON object or empty")),
        "comparable": pa.Column(bool),
        "source_id": _text(),
        "france_scope": pa.Column(str, pa.Check.isin(["fr", "fm"])),
    }, checks=[
        pa.Check(lambda d: (d.value.isna() == (d.status != "ok")).all(),
                 error="a missing value must have status nd or s, a present one status ok"),
        pa.Check(lambda d: (d.status.eq("ok") | d.note_code.ne("")).all(),
                 error="every missing value carries a note code"),
        pa.Check(lambda d: not d.duplicated(["territory_id", "level", "indicator_id"]).any(),
                 error="one row per territory, level and indicator"),
    ], name="indicators"),
    "coverage": pa.DataFrameSchema({
        "territory_id": _code(TI_ID), "source_id": _text(),
        "n_member_communes": pa.Column(int, pa.Check.ge(1)), "n_matched": pa.Column(int, pa.Check.ge(0)),
        "share_matched": pa.Column(float, pa.Check.in_range(0, 100)),
    }, name="coverage"),
}


def validate_processed(tables: dict[str, pd.DataFrame]) -> None:
    """Check the processed tables against the contract before they are written."""
    for name, schema in PROCESSED.items():
        try:
            schema.validate(tables[name], lazy=False)
        except (pa.errors.SchemaError, pa.errors.SchemaErrors) as exc:
            raise RawSchemaError(f"processed table {name} breaks its contract: {exc}") from None
