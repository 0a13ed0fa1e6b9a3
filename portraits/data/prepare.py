"""Raw tables -> commune tables: each source read, its communes folded and crosswalked to
today's geography (``Crosswalk``), and the EPCI-level percentages given to each commune by the
unit it is counted in (``attach_epci_values``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from portraits.data import schemas, sources, territories
from portraits.data.territories import Crosswalk, dep_of, fold_arm

MERGES_PATH = Path(__file__).resolve().parent / "commune_merges_cog2024.csv"
EPT_SUPPLEMENT_PATH = Path(__file__).resolve().parent / "ept_supplement.csv"

# the raw tables `portraits data` reads: those with a schema (the polygons are read by the maps)
RAW_USED = tuple(schemas.SPECS)
URSSAF_YEARS = list(range(2014, 2025))


def read_raw(raw_dir: Path | None = None, srcs=None) -> dict[str, pd.DataFrame]:
    srcs = srcs or sources.load_sources()
    return {sid: schemas.read(sid, raw_dir=raw_dir, sources=srcs) for sid in RAW_USED}


def commune_merges(path: Path | None = None) -> dict[str, str]:
    """Old commune code -> the COG 2024 commune that holds it (see the file's header)."""
    m = pd.read_csv(path or MERGES_PATH, comment="#", dtype=str)
    return dict(zip(m.old_code.tolist(), m.new_code.tolist()))


def make_crosswalk(raw: dict[str, pd.DataFrame]) -> Crosswalk:
    """Crosswalk of commune codes. Old codes reach their parent through the merge table
    derived from the COG 2024 (communes déléguées/associées and absorbed codes); the COMD
    rows of the comparateur 2024 would be the other candidate, but they carry the code of
    the commune nouvelle itself, not the old code, so they map nothing."""
    cmp24 = raw["comparateur_2024"]
    comd = cmp24[cmp24.commune_type == "COMD"]
    parent = {k: v for k, v in zip(comd.insee_com.tolist(), comd.insee_parente.tolist()) if k != v}
    parent.update(commune_merges())
    cog = raw["cog_appartenance_2022"]
    dep_to_reg = dict(zip(cog.DEP.tolist(), cog.REG.tolist()))
    epci_2022 = dict(zip(cog.CODGEO.tolist(), cog.EPCI.tolist()))
    return Crosswalk(raw["ti_communes_cog2023"], raw["ti_communes_cog2024"], parent,
                     dep_to_reg, epci_2022)


def prep_rp2021(raw) -> pd.DataFrame:
    """Comparateur 2024: one row per commune (COM rows deduplicated over postal codes, ARM
    rows folded into Paris/Lyon/Marseille, which have no COM row). Mayotte's rows carry 0
    for every census count (no RP 2021 there): they are set to missing."""
    c = raw["comparateur_2024"]
    com = c[c.commune_type == "COM"].drop_duplicates("insee_com")
    arm = c[c.commune_type == "ARM"]
    plm_present = set(com.insee_com) & territories.PLM
    arm = arm[~arm.insee_parente.isin(plm_present)]
    # one row per code: a commune (or ARM) with several postal codes is repeated
    # (e.g. 75116, Paris 16e, has two rows); the figures are the commune's each time
    df = pd.concat([com, arm], ignore_index=True).drop_duplicates("insee_com")
    df["code"] = fold_arm(df.insee_com)
    # every count the schema reads (a column added there reaches the catalogue's formulas)
    cols = [c for c, col in schemas.SPECS["comparateur_2024"].columns.items() if str(col.dtype) == "float64"]
    out = df.groupby("code", as_index=False)[cols].sum(min_count=1)
    mayotte = dep_of(out.code) == "976"
    out.loc[mayotte, cols] = np.nan
    return out


def prep_rp2018(raw) -> pd.DataFrame:
    """Comparateur 2022 (COG 2021): the ARM rows are dropped (their communes have a row)."""
    c = raw["comparateur_2022"]
    c = c[~c.CODGEO.isin(territories.ARM_PARENT.keys())].rename(columns={"CODGEO": "code"})
    return c.reset_index(drop=True)


def prep_revenus(raw, population: pd.DataFrame | None = None) -> pd.DataFrame:
    """Commune medians of Filosofi 2021 with their weights: the fiscal households and the
    municipal population 2021 (``population``: code, population_2021, ``prep_rp2021``'s, read
    from ``raw`` when not given).
    The median is taken over persons, so the catalogue weights it by the population (measured
    against the official medians in docs/DATA.md)."""
    r = raw["statloc_revenus"]
    r = r[~r.Code.isin(territories.ARM_PARENT.keys())]
    out = pd.DataFrame({"code": r.Code.to_numpy(),
                        "menfisc21": r["Nb de ménages fiscaux 2021"].to_numpy(),
                        "med21": r["Médiane du niveau de vie 2021"].to_numpy()})
    pop = (prep_rp2021(raw) if population is None else population).set_index("code")["population_2021"]
    out["population_2021"] = out["code"].map(pop).to_numpy(dtype="float64")
    return out


def prep_iris(raw) -> pd.DataFrame:
    """IRIS rows with their commune (ARM folded) and the weights of the shares, which the file
    gives only as percentages (see docs/DATA.md for the measured effect):

    * ``P22_POP15P``, the population aged 15 or more, P22_POP x (1 - share of 0-14 year-olds):
      the denominator of the socio-professional groups;
    * ``P22_POP25P``, the population aged 25 or more, P22_POP x (1 - share of 0-24 year-olds):
      the closest count to the diplomas' denominator, non-students aged 15 or more (students
      are nearly all under 25; weighting by the 15+ would overweight university districts)."""
    i = raw["ptod_iris"]
    out = i.drop(columns=["COM", "epci"], errors="ignore").rename(columns={"code": "iris"})
    out.insert(0, "code", fold_arm(i["COM"].astype("str")).to_numpy())
    young = out["dm_0014_pct_22"].clip(0.0, 100.0)
    out["P22_POP15P"] = out["P22_POP"] * (1.0 - young / 100.0)
    young = (young + out["dm_1524_pct_22"].clip(0.0, 100.0)).clip(upper=100.0)
    out["P22_POP25P"] = out["P22_POP"] * (1.0 - young / 100.0)
    return out


def prep_urssaf(raw) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """URSSAF private jobs: commune-year pivot (ARM folded), and the published region and
    France rows (codes re-padded: the file writes region 1 for 01)."""
    u = raw["urssaf_private_jobs"]
    u = u[u.year.isin(URSSAF_YEARS)]
    com = u[u.echelon == "communes"].copy()
    com["code"] = fold_arm(com.code.astype("str"))
    piv = com.pivot_table(index="code", columns="year", values="eff_total", aggfunc="sum")
    piv = piv.reindex(columns=URSSAF_YEARS)
    piv.columns = [f"eff_{y}" for y in piv.columns]
    piv = piv.fillna(0.0).reset_index()   # no row = no private employer that year
    reg = u[u.echelon == "reg"].copy()
    reg["code"] = reg.code.astype("str").str.zfill(2)
    reg_piv = reg.pivot_table(index="code", columns="year", values="eff_total", aggfunc="sum")
    reg_piv.columns = [f"eff_{y}" for y in reg_piv.columns]
    fr = u[u.echelon == "france"]
    fr_piv = fr.pivot_table(index="code", columns="year", values="eff_total", aggfunc="sum")
    fr_piv.columns = [f"eff_{y}" for y in fr_piv.columns]
    fr_piv.index = ["FR"]
    return piv, {"region": reg_piv, "france": fr_piv}


def ept_of_communes(commune_values: pd.DataFrame, iris: pd.DataFrame | None = None,
                    supplement: Path | None = None) -> dict[str, str]:
    """Commune -> its EPT, for the communes of the Métropole du Grand Paris: from the PTOD file
    of communes of 5,000 inhabitants or more (column EPCI_EPT; elsewhere it repeats the EPCI),
    then for the smaller ones from the IRIS file (its ``epci`` column is the EPT there), then
    ``ept_supplement.csv`` for a commune in neither file (Pierrefitte-sur-Seine). Paris is its
    own unit (75056)."""
    c = commune_values
    m = c["EPCI_EPT"].notna() & c["EPCI"].notna() & (c["EPCI_EPT"] != c["EPCI"])
    out = dict(zip(c.index[m].tolist(), c.loc[m, "EPCI_EPT"].tolist()))
    eps = set(out.values())
    if iris is not None and "epci" in iris:
        i = iris.loc[iris["epci"].isin(eps), ["COM", "epci"]].drop_duplicates("COM")
        for com, ept in zip(fold_arm(i["COM"].astype("str")), i["epci"]):
            out.setdefault(com, ept)
    extra = pd.read_csv(supplement or EPT_SUPPLEMENT_PATH, comment="#", dtype=str)
    for com, ept in zip(extra.insee_com, extra.ept_siren):
        out.setdefault(com, ept)
    return out


def attach_epci_values(df: pd.DataFrame, values: dict[str, pd.DataFrame], communes: pd.DataFrame,
                       commune_values: pd.DataFrame, columns: dict[str, str],
                       ept_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Give each commune row the value of the unit it is counted in (see indicators.toml):
    its EPCI when the EPCI is whole in the territory (or outside any territory); for the
    members that are not whole EPCI, the EPT's value, else the commune's own value when
    it has 5,000 inhabitants or more, else its EPCI's value.

    Outside the territories, a commune of the Métropole du Grand Paris whose EPT is known
    (``ept_of``) gets its EPT's value, like the communes of the three EPT members: giving the
    others the Métropole's value would count those EPT twice in the region and France
    (their own value in their communes, and again inside the Métropole's average)."""
    unit = pd.concat([v for v in values.values()]).groupby(level=0).first()
    info = communes.set_index("insee_com")
    ref = df["ref"].astype("str")
    whole = ref.map(info["whole_epci"]).fillna(True).astype(bool).to_numpy()
    grp_type = ref.map(info["type_groupement"]).to_numpy()
    grp_siren = ref.map(info["siren_groupement"]).to_numpy()
    in_ti = df["territory_id"].notna().to_numpy()
    ept_out = ref.map(ept_of or {})
    ept_out = ept_out.fillna(df["code"].astype("str").map(ept_of or {}))
    out = df.copy()
    for new, col in columns.items():
        epci_val = df["epci"].map(unit[col]).to_numpy(dtype="float64") if col in unit else np.nan
        com_val = (ref.map(commune_values[col]).to_numpy(dtype="float64")
                   if col in commune_values else np.full(len(df), np.nan))
        ept_val = pd.Series(grp_siren).map(unit[col]).to_numpy(dtype="float64") if col in unit else np.nan
        ept_out_val = (ept_out.map(unit[col]).to_numpy(dtype="float64") if col in unit
                       else np.full(len(df), np.nan))
        partial_val = np.where(grp_type == "EPT", ept_val, np.nan)
        partial_val = np.where(np.isnan(partial_val), com_val, partial_val)
        partial_val = np.where(np.isnan(partial_val), epci_val, partial_val)
        outside_val = np.where(np.isnan(epci_val), com_val, epci_val)
        outside_val = np.where(np.isnan(ept_out_val), outside_val, ept_out_val)
        out[new] = np.where(in_ti & ~whole, partial_val, np.where(in_ti, epci_val, outside_val))
        # where the value of a member commune that is not part of a whole EPCI came from
        src = np.where(grp_type == "EPT", "ept", "commune")
        src = np.where((grp_type == "EPT") & np.isnan(ept_val), "commune", src)
        src = np.where((src == "commune") & np.isnan(com_val), "epci_entier", src)
        out[f"_src_{new}"] = np.where(in_ti & ~whole, src, "")
    return out
