"""raw tables -> data/processed/: territories, members, communes, indicators (four levels,
ranks), series, breakdowns, A38 specificity and coverage.

:func:`build_processed` builds everything into a staging directory next to
``data/processed`` and swaps it in only when complete (a killed run leaves the previous
tables untouched). It skips the work when the inputs (raw checksums, code of the data
modules, indicators.toml) are unchanged, unless ``force``."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from portraits.core import atomic, config
from portraits.data import indicators, schemas, sources, territories
from portraits.data.territories import Crosswalk, fold_arm, dep_of

STAMP = "_build.json"
DATA_MODULES = ("schemas.py", "territories.py", "indicators.py", "processing.py", "indicators.toml",
                "commune_merges_cog2024.csv")  # in portraits/data/
MERGES_PATH = Path(__file__).resolve().parent / "commune_merges_cog2024.csv"

RAW_USED = ("ti_territoires", "ti_groupements", "ti_communes_cog2023", "ti_communes_cog2024",
            "comparateur_2024", "comparateur_2022", "statloc_revenus", "urssaf_private_jobs",
            "flores_a38_ze", "ptod_epci", "ptod_epci_exdeco", "ptod_communes_5k", "ptod_iris",
            "cog_appartenance_2022", "cog_zones_2022", "naf_a38")

FRANCE_LABEL = "France"
TI_LABEL = "Ensemble des Territoires d'industrie"

SECTORS = [  # (sector_id, label, PTOD column)
    ("agriculture", "Agriculture", "eco_sectagri_pct_22"),
    ("industry", "Industrie", "eco_sectindus_pct_22"),
    ("construction", "Construction", "eco_sectconst_pct_22"),
    ("services", "Commerce, transports et services divers", "eco_sectservi_pct_22"),
    ("public", "Administration publique, enseignement, santé et action sociale", "eco_sectadmin_pct_22"),
]
EST_SECTORS = [  # (category, label, column of comparateur 2022)
    ("AZ", "Agriculture", "ETAZ18"),
    ("BE", "Industrie", "ETBE18"),
    ("FZ", "Construction", "ETFZ18"),
    ("GU", "Commerce, transports et services divers", "ETGU18"),
    ("OQ", "Administration publique, enseignement, santé et action sociale", "ETOQ18"),
]
# Flores' broad sector (a5) -> sector_id of SECTORS: the same five groups as the census's
A5_SECTORS = {"AZ": "agriculture", "BE": "industry", "FZ": "construction", "GU": "services",
              "OQ": "public"}
FLORES_NOTE = ("Outre-mer : part dans l'emploi salarié (Flores 2023) estimée par zones d'emploi, faute "
               "de recensement par secteur ; non comparable à la France ni à l'ensemble des Territoires "
               "d'industrie (tous emplois, recensement 2022), donc non classée.")
FLORES_SECTORS_NOTE = ("Outre-mer : répartition de l'emploi salarié (Flores 2023), estimée à partir des "
                       "zones d'emploi, faute de données du recensement par secteur ; non comparable à la "
                       "France ni à l'ensemble des Territoires d'industrie (tous emplois, recensement 2022).")
FLORES_REGION_NOTE = ("Même base que le territoire : emploi salarié Flores 2023 des zones d'emploi de la "
                      "région, au prorata de leur population qui réside dans la région.")
FLORES_BENCH_NOTE = {
    "france": "France métropolitaine, recensement 2022 (tous emplois) : pas la même base que la valeur "
              "de ce territoire d'outre-mer (emploi salarié Flores 2023), non comparable.",
    "all_territories": "Les {n} territoires de France métropolitaine, recensement 2022 (tous emplois) : "
                       "pas la même base que la valeur de ce territoire d'outre-mer (emploi salarié "
                       "Flores 2023), non comparable.",
}
MAYOTTE_SECTORS_NOTE = ("Non disponible à Mayotte : les parts par secteur du recensement n'existent que "
                        "pour la France métropolitaine et le fichier Flores par zone d'emploi n'a pas de "
                        "zone à Mayotte.")
INDUSTRY_A38 = {"BZ", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "CL",
                "CM", "DZ", "EZ"}
URSSAF_YEARS = list(range(2014, 2025))


def isin(s: pd.Series, values) -> pd.Series:
    """Fast membership test for text columns (pyarrow-backed strings are slow with large sets)."""
    return pd.Series(pd.Index(s.to_numpy(dtype=object), dtype=object).isin(list(values)), index=s.index)


# ------------------------------------------------------------------ inputs fingerprint

def inputs_hash(srcs: dict[str, sources.Source]) -> str:
    h = hashlib.sha256()
    for sid in sorted(srcs):
        h.update(f"{sid}:{srcs[sid].sha256}\n".encode())
    for name in DATA_MODULES:
        h.update(name.encode())
        h.update((MERGES_PATH.parent / name).read_bytes())
    return h.hexdigest()


# ------------------------------------------------------------------ reading and preparing

def read_raw(raw_dir: Path | None = None, srcs=None) -> dict[str, pd.DataFrame]:
    srcs = srcs or sources.load_manifest()
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
    cols = ["superficie_km2", "population_2021", "population_2015", "menages_2021",
            "pop_15_64_totale_2021", "pop_15_64_chomage_2021", "pop_15_64_active_2021"]
    out = df.groupby("code", as_index=False)[cols].sum(min_count=1)
    mayotte = dep_of(out.code) == "976"
    out.loc[mayotte, cols] = np.nan
    return out


def prep_rp2018(raw) -> pd.DataFrame:
    """Comparateur 2022 (COG 2021): the ARM rows are dropped (their communes have a row)."""
    c = raw["comparateur_2022"]
    c = c[~c.CODGEO.isin(territories.ARM_PARENT.keys())].rename(columns={"CODGEO": "code"})
    return c.reset_index(drop=True)


def prep_revenus(raw) -> pd.DataFrame:
    r = raw["statloc_revenus"]
    r = r[~r.Code.isin(territories.ARM_PARENT.keys())]
    return pd.DataFrame({"code": r.Code.to_numpy(),
                         "menfisc21": r["Nb de ménages fiscaux 2021"].to_numpy(),
                         "med21": r["Médiane du niveau de vie 2021"].to_numpy()})


def prep_iris(raw) -> pd.DataFrame:
    """IRIS rows with their commune (ARM folded) and the weights of the shares, which the file
    gives only as percentages (see docs/DATA.md for the measured effect):

    * ``P22_POP15P``, the population aged 15 or more, P22_POP x (1 - share of 0-14 year-olds):
      the denominator of the socio-professional groups;
    * ``P22_POP25P``, the population aged 25 or more, P22_POP x (1 - share of 0-24 year-olds):
      the closest count to the diplomas' denominator, non-students aged 15 or more (students
      are nearly all under 25; weighting by the 15+ would overweight university districts)."""
    i = raw["ptod_iris"]
    out = i.drop(columns=["COM"]).rename(columns={"code": "iris"})
    out.insert(0, "code", fold_arm(i["COM"].astype("str")).to_numpy())
    young = out["dm_0014_pct_22"].clip(0.0, 100.0)
    out["P22_POP15P"] = out["P22_POP"] * (1.0 - young / 100.0)
    young = (young + out["dm_1524_pct_22"].clip(0.0, 100.0)).clip(upper=100.0)
    out["P22_POP25P"] = out["P22_POP"] * (1.0 - young / 100.0)
    return out


def prep_urssaf(raw) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], pd.DataFrame]:
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
    return piv, {"region": reg_piv, "france": fr_piv}, com


def ept_of_communes(commune_values: pd.DataFrame) -> dict[str, str]:
    """Commune -> its EPT, for the communes of the Métropole du Grand Paris listed in the PTOD
    file of communes of 5,000 inhabitants or more (column EPCI_EPT; elsewhere it repeats the
    EPCI). Paris is its own unit there (75056)."""
    c = commune_values
    m = c["EPCI_EPT"].notna() & c["EPCI"].notna() & (c["EPCI_EPT"] != c["EPCI"])
    return dict(zip(c.index[m].tolist(), c.loc[m, "EPCI_EPT"].tolist()))


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


# ------------------------------------------------------------------ indicators

def _geo_labels(terr: pd.DataFrame) -> dict:
    return {"region": territories.REGION_NAMES, "france": {"FR": FRANCE_LABEL},
            "all_territories": {"TI": TI_LABEL}}


def compute_indicators(cat: list[dict], tables: dict[str, pd.DataFrame],
                       overrides: dict[str, dict], terr: pd.DataFrame,
                       notes: dict[str, dict]) -> pd.DataFrame:
    tids = terr.territory_id.to_numpy()
    regs = terr.region_code.to_numpy()
    labels = _geo_labels(terr)
    frames = []
    for ind in cat:
        vals = indicators.compute(ind, tables[ind["table"]], overrides.get(ind["table"]))
        t = vals["territory"].reindex(tids)
        ranks, n_ranked = indicators.rank_desc(t)
        base = dict(indicator_id=ind["id"], year=str(ind["millesime"]), unit=ind["unit"],
                    approx=bool(ind["approximation"]))
        note_for = notes.get(ind["id"], {})
        parts = {
            "territory": pd.DataFrame({"territory_id": tids, "level": "territory", "geo_code": tids,
                                       "geo_label": terr.name.to_numpy(), "value": t.to_numpy(),
                                       "rank": ranks.to_numpy(), "n_ranked": n_ranked}),
            "region": pd.DataFrame({"territory_id": tids, "level": "region", "geo_code": regs,
                                    "geo_label": [labels["region"][r] for r in regs],
                                    "value": vals["region"].reindex(regs).to_numpy()}),
            "france": pd.DataFrame({"territory_id": tids, "level": "france", "geo_code": "FR",
                                    "geo_label": FRANCE_LABEL,
                                    "value": float(vals["france"].get("FR", np.nan))}),
            "all_territories": pd.DataFrame({"territory_id": tids, "level": "all_territories",
                                             "geo_code": "TI", "geo_label": TI_LABEL,
                                             "value": float(vals["all_territories"].get("TI", np.nan))}),
        }
        for level, p in parts.items():
            for k, v in base.items():
                p[k] = v
            p["note"] = note_for.get(level, "")
            frames.append(p)
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    out["n_ranked"] = out["n_ranked"].astype("Int64")
    out["status"] = np.where(out.value.notna(), "ok", "nd")
    order = {i["id"]: k for k, i in enumerate(cat)}
    lorder = {lv: k for k, lv in enumerate(indicators.LEVELS)}
    out = (out.assign(_i=out.indicator_id.map(order), _l=out.level.map(lorder))
           .sort_values(["territory_id", "_i", "_l"]).drop(columns=["_i", "_l"]).reset_index(drop=True))
    # False where a value is on another basis than the France and all-territories benchmarks
    # (set by overseas_sectors): the portrait then compares it with its region only.
    out["comparable"] = True
    # The source of each value (a data/sources.toml id): the catalogue's, unless a fallback
    # replaces it for some rows (overseas_sectors), so every figure names its own source.
    out["source_id"] = out.indicator_id.map({i["id"]: i["source"] for i in cat})
    cols = ["territory_id", "level", "geo_code", "geo_label", "indicator_id", "year", "value", "unit",
            "status", "approx", "rank", "n_ranked", "note", "comparable", "source_id"]
    return out[cols]


METRO_ONLY_SOURCES = {"ptod_iris", "ptod_epci", "ptod_epci_exdeco", "ptod_communes_5k"}
GAP_NOTES = {
    "metro_only": "Non disponible outre-mer : la source (indicateurs Insee par IRIS ou par EPCI) "
                  "ne couvre que la France métropolitaine.",
    "comparateur_2024": "Non disponible à Mayotte : le recensement n'y est pas annuel et le comparateur "
                        "ne publie pas de chiffres 2021 pour ses communes.",
    "comparateur_2022": "Non disponible à Mayotte : le comparateur 2022 ne publie pas de chiffres "
                        "2018 pour ses communes.",
    "urssaf_private_jobs": "Non disponible à Mayotte : la série URSSAF ne couvre pas ce département.",
    "statloc_revenus": "Non diffusé : Filosofi 2021 ne publie pas de médiane pour les communes de ce "
                       "département (Guadeloupe, Guyane, Mayotte).",
    "secret": "Non diffusé : secret statistique (communes trop petites).",
    "other": "Non disponible dans la source pour ce territoire.",
}


# The France benchmark is the source's national row where it has one: PTOD's ``00FR`` row
# (metropolitan France: 34,788 communes and arrondissements, i.e. no overseas commune),
# instead of the same approximation as the region (indicator -> (raw table, column)).
NATIONAL_ROW = {
    "median_income": ("ptod_epci", "rev_med_21"),
    "poverty_rate": ("ptod_epci", "rev_txpauv_21"),
    "industry_jobs_share": ("ptod_epci_exdeco", "eco_sectindus_pct_22"),
    "large_establishments_jobs_share": ("ptod_epci_exdeco", "eco_eff_grandes_pct_23"),
}
NATIONAL_CODE = "00FR"
# A territory made of one whole EPCI or EPT gets the source's value for that unit, which is
# exact: the official median replaces the mean of commune medians; for the EPCI percentages
# the aggregation already returns the unit's value, only the approximation flag changes.
UNIT_VALUE = NATIONAL_ROW


def single_unit_territories(members: pd.DataFrame, communes: pd.DataFrame) -> dict[str, str]:
    """Territory -> SIREN of its only member when that member is a whole EPCI or an EPT
    (an EPT is whole by construction; ``partial`` flags it only because the Métropole du
    Grand Paris, its EPCI, is not)."""
    n = members.groupby("territory_id").size()
    one = members[members.territory_id.map(n).eq(1) & members.type.isin(["EPCI", "EPT"])]
    broken = set(communes.loc[communes.type_groupement.eq("EPCI") & ~communes.whole_epci, "territory_id"])
    one = one[~one.territory_id.isin(broken)]
    return dict(zip(one.territory_id.tolist(), one.siren.tolist()))


def official_values(ind: pd.DataFrame, raw, singles: dict[str, str]) -> pd.DataFrame:
    """Replace approximations by the source's own figures where it publishes them:
    the unit's value for the territories that are one whole EPCI or EPT (``UNIT_VALUE``),
    the national row for France (``NATIONAL_ROW``). Those rows get ``approx`` False and the
    ``source_id`` of the table they come from; a replaced median is re-ranked."""
    ind = ind.copy()
    for iid, (table, col) in UNIT_VALUE.items():
        unit = raw[table].set_index("code")[col]
        t = ind.indicator_id.eq(iid) & ind.level.eq("territory") & ind.territory_id.isin(singles)
        t &= ind.source_id.ne("flores_a38_ze")
        off = ind.loc[t, "territory_id"].map(singles).map(unit)
        t_ok = off.notna()
        idx = off.index[t_ok]
        if iid == "median_income":
            # the official median covers every commune: no secrecy note, no exclusion
            ind.loc[idx, "value"] = off[t_ok].to_numpy(dtype="float64")
            ind.loc[idx, ["status", "note"]] = ["ok", ""]
            ind.loc[idx, "source_id"] = table
            m = ind.indicator_id.eq(iid) & ind.level.eq("territory")
            ranks, n_ranked = indicators.rank_desc(ind.loc[m, "value"])
            ind.loc[m, "rank"] = ranks
            ind.loc[m, "n_ranked"] = n_ranked
        else:
            # the weighted mean of one unit's value is that value: only where it is, the row
            # is exact
            same = np.isclose(ind.loc[idx, "value"].to_numpy(dtype="float64"),
                              off[t_ok].to_numpy(dtype="float64"))
            idx = idx[same]
        ind.loc[idx, "approx"] = False
    for iid, (table, col) in NATIONAL_ROW.items():
        national = raw[table].set_index("code")[col]
        if pd.isna(national.get(NATIONAL_CODE)):
            continue                    # no national row: France stays the aggregate, flagged
        f = ind.indicator_id.eq(iid) & ind.level.eq("france")
        ind.loc[f, ["value", "status", "approx", "source_id"]] = [
            float(national[NATIONAL_CODE]), "ok", False, table]
    return ind


def france_scope(cat) -> dict[str, str]:
    """indicator -> scope of its France benchmark, a code for the presentation: ``fr`` =
    metropolitan France and the overseas departments the source covers, ``fm`` = metropolitan
    France only (the source, or the national row used, has no overseas unit)."""
    return {i["id"]: "fm" if i["source"] in METRO_ONLY_SOURCES or i["id"] in NATIONAL_ROW else "fr"
            for i in cat}


def gap_notes(cat, ind_df: pd.DataFrame, terr: pd.DataFrame) -> pd.DataFrame:
    """Explain every missing value in the note column and set its status: ``nd`` when the
    source does not cover the place, ``s`` when it covers it but withholds the value."""
    src_of = {i["id"]: i["source"] for i in cat}
    overseas = set(terr.loc[terr.overseas, "territory_id"])
    reg_val = ind_df[ind_df.level == "region"].set_index(["territory_id", "indicator_id"]).value
    miss = ind_df.value.isna()
    notes, status = [], []
    for row in ind_df[miss].itertuples():
        src = src_of[row.indicator_id]
        in_overseas = row.territory_id in overseas if row.level == "territory" else (
            row.geo_code in territories.OVERSEAS_REGIONS)
        st = "nd"
        if src in METRO_ONLY_SOURCES and in_overseas:
            n = GAP_NOTES["metro_only"]
        elif src in GAP_NOTES and in_overseas:
            n = GAP_NOTES[src]
        elif row.level == "territory" and pd.notna(reg_val.get((row.territory_id, row.indicator_id))):
            n, st = GAP_NOTES["secret"], "s"
        else:
            n = GAP_NOTES["other"]
        notes.append(n)
        status.append(st)
    ind_df.loc[miss, "note"] = notes
    ind_df.loc[miss, "status"] = status
    return ind_df


def secrecy_notes(ind_df: pd.DataFrame, rev: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Median income: say how many member communes have no published median (excluded)."""
    have = set(rev.loc[rev.med21.notna(), "ref"].astype(str))
    n = communes.groupby("territory_id").size()
    k = communes[~isin(communes.insee_com, have)].groupby("territory_id").size()
    m = ind_df.level.eq("territory") & ind_df.indicator_id.eq("median_income") & ind_df.value.notna()
    for idx in ind_df.index[m]:
        tid = ind_df.at[idx, "territory_id"]
        miss = int(k.get(tid, 0))
        if miss:
            ind_df.at[idx, "note"] = (f"Médiane non diffusée (secret statistique) pour {_communes(miss)} "
                                      f"sur {int(n[tid])}, {'exclue' if miss == 1 else 'exclues'} du calcul.")
    return ind_df


def _communes(n: int) -> str:
    """"1 commune", "3 communes": no "(s)" in what readers see."""
    return f"{n} commune" + ("s" if n > 1 else "")


def partial_notes(ind_df, src_cols: dict[str, pd.Series], tables: dict[str, pd.DataFrame],
                  communes: pd.DataFrame) -> pd.DataFrame:
    """EPCI-based indicators: say, for territories whose members are not all whole EPCI, which
    value their other member communes received."""
    names = dict(zip(communes.siren_epci.tolist(), communes.epci_name.tolist()))
    for iid, src in src_cols.items():
        tab = tables[iid]
        df = pd.DataFrame({"tid": tab.territory_id, "src": src, "ref": tab.ref, "epci": tab.epci})
        df = df[df.src != ""].drop_duplicates("ref")
        for tid, g in df.groupby("tid"):
            parts = []
            n = g.src.value_counts()
            if n.get("ept"):
                parts.append(f"{_communes(n['ept'])} d'EPT {'comptée' if n['ept'] == 1 else 'comptées'} "
                             "avec la valeur de leur EPT")
            if n.get("commune"):
                parts.append(f"{_communes(n['commune'])} de 5 000 habitants ou plus avec leur propre valeur")
            if n.get("epci_entier"):
                e = sorted({names.get(x, x) for x in g.loc[g.src == "epci_entier", "epci"].dropna()})
                parts.append(f"{_communes(n['epci_entier'])} avec la valeur de leur EPCI entier "
                             f"({', '.join(e)}), faute de donnée communale")
            m = ind_df.level.eq("territory") & ind_df.territory_id.eq(tid) & ind_df.indicator_id.eq(iid)
            m &= ind_df.value.notna()
            ind_df.loc[m, "note"] = "Membres hors EPCI entiers : " + " ; ".join(parts) + "."
    return ind_df


# ------------------------------------------------------------------ breakdowns

def _benchmark_rows(terr, per_level: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Expand level tables (index = geo code, one column per value) to one block per territory."""
    tids = terr.territory_id.to_numpy()
    regs = terr.region_code.to_numpy()
    names = terr.name.to_numpy()
    blocks = []
    spec = [("territory", tids, names), ("region", regs, [territories.REGION_NAMES[r] for r in regs]),
            ("france", np.array(["FR"] * len(tids)), [FRANCE_LABEL] * len(tids)),
            ("all_territories", np.array(["TI"] * len(tids)), [TI_LABEL] * len(tids))]
    for level, codes, labels in spec:
        lt = per_level[level]
        idx = pd.DataFrame({"territory_id": tids, "level": level, "geo_code": codes, "geo_label": labels})
        blocks.append(idx.merge(lt, left_on="geo_code", right_index=True, how="left"))
    return pd.concat(blocks, ignore_index=True)


def series_private_jobs(urssaf_tab, overrides, terr) -> pd.DataFrame:
    cols = [f"eff_{y}" for y in URSSAF_YEARS]
    sums = indicators.level_sums(urssaf_tab, cols)
    sums["region"] = overrides["region"][cols]
    sums["france"] = overrides["france"][cols]
    wide = _benchmark_rows(terr, sums)
    long = wide.melt(id_vars=["territory_id", "level", "geo_code", "geo_label"], value_vars=cols,
                     var_name="year", value_name="value")
    long["year"] = long.year.str[4:].astype(int)
    base = long[long.year == URSSAF_YEARS[0]].set_index(["territory_id", "level"])["value"]
    b = pd.MultiIndex.from_frame(long[["territory_id", "level"]]).map(base.to_dict())
    long["index"] = 100.0 * long.value / np.where(np.asarray(b, dtype=float) > 0, b, np.nan)
    lorder = {lv: k for k, lv in enumerate(indicators.LEVELS)}
    return (long.assign(_l=long.level.map(lorder)).sort_values(["territory_id", "_l", "year"])
            .drop(columns="_l").reset_index(drop=True))


def jobs_by_sector(rp18_attr, terr, france_row: pd.Series | None = None) -> pd.DataFrame:
    """Shares of jobs by broad sector on the four levels (EPCI shares weighted by jobs); the
    France row is the source's national row when given (as for industry_jobs_share)."""
    rows = []
    for sector_id, label, ptod_col in SECTORS:
        col = f"sect_{sector_id}"
        ind = {"id": col, "aggregation": "weighted", "numerator": f"{col} * P18_EMPLT",
               "denominator": "P18_EMPLT", "scale": 1}
        vals = indicators.compute(ind, rp18_attr)
        if france_row is not None:
            vals["france"] = pd.Series({"FR": float(france_row[ptod_col])})
        per = {lv: s.to_frame("share") for lv, s in vals.items()}
        blk = _benchmark_rows(terr, per)
        blk["sector_id"] = sector_id
        blk["sector_label"] = label
        rows.append(blk)
    out = pd.concat(rows, ignore_index=True)
    out["year"] = "2022"
    out["approx"] = True
    if france_row is not None:
        out.loc[out.level.eq("france"), "approx"] = False
    lorder = {lv: k for k, lv in enumerate(indicators.LEVELS)}
    sorder = {s[0]: k for k, s in enumerate(SECTORS)}
    out = (out.assign(_l=out.level.map(lorder), _s=out.sector_id.map(sorder))
           .sort_values(["territory_id", "_l", "_s"]).drop(columns=["_l", "_s"]).reset_index(drop=True))
    return out[["territory_id", "level", "geo_code", "geo_label", "sector_id", "sector_label",
                "share", "year", "approx"]]


def establishments_breakdown(rp18, terr) -> pd.DataFrame:
    df = rp18.copy()
    df["size_0"] = df.ETTOT18 - df.ETTEF118 - df.ETTEFP1018
    cats = [("sector", c, l, col) for c, l, col in EST_SECTORS] + [
        ("size", "0", "Aucun salarié au 31 décembre", "size_0"),
        ("size", "1-9", "1 à 9 salariés", "ETTEF118"),
        ("size", "10+", "10 salariés ou plus", "ETTEFP1018")]
    cols = [c[3] for c in cats] + ["ETTOT18"]
    known = df[cols].notna().all(axis=1)
    sums = indicators.level_sums(df[known], cols)
    wide = _benchmark_rows(terr, sums)
    rows = []
    for dim, cat, label, col in cats:
        blk = wide[["territory_id", "level", "geo_code", "geo_label"]].copy()
        blk["dimension"], blk["category"], blk["label"] = dim, cat, label
        blk["count"] = wide[col]
        with np.errstate(divide="ignore", invalid="ignore"):
            blk["share"] = 100.0 * wide[col] / wide["ETTOT18"].where(wide["ETTOT18"] > 0)
        rows.append(blk)
    out = pd.concat(rows, ignore_index=True)
    out["year"] = "2018"
    lorder = {lv: k for k, lv in enumerate(indicators.LEVELS)}
    corder = {c[1]: k for k, c in enumerate(cats)}
    return (out.assign(_l=out.level.map(lorder), _c=out.category.map(corder))
            .sort_values(["territory_id", "_l", "dimension", "_c"]).drop(columns=["_l", "_c"])
            .reset_index(drop=True))


def ze_population(raw, rp21) -> pd.DataFrame:
    """Communes with their population 2021 and zone d'emploi 2020 (table d'appartenance
    2022; a code it does not know is looked up through its commune of today's geography)."""
    cog = raw["cog_appartenance_2022"]
    ze_of = dict(zip(cog.CODGEO, cog.ZE2020))
    pop = rp21[["code", "territory_id", "ref", "reg", "population_2021"]].copy()
    pop["ze"] = pop.code.map(ze_of)
    pop.loc[pop.ze.isna(), "ze"] = pop.loc[pop.ze.isna(), "ref"].map(ze_of)
    return pop[pop.ze.notna() & pop.population_2021.notna()]


def a38_table(raw, rp21, terr) -> pd.DataFrame:
    """Flores 2023 salaried jobs by A38 sector of the zones d'emploi, apportioned to each
    territory by the share of the zone's population (RP 2021) living in the territory."""
    pop = ze_population(raw, rp21)
    ze_pop = pop.groupby("ze").population_2021.sum()
    tz = pop[pop.territory_id.notna()].groupby(["territory_id", "ze"]).population_2021.sum().reset_index()
    tz["weight"] = tz.population_2021 / tz.ze.map(ze_pop)
    fl = raw["flores_a38_ze"]
    labels = fl.drop_duplicates("a38").set_index("a38")["lib"]
    fr = fl.groupby("a38").eff_23.sum(min_count=1)
    fr_share = 100.0 * fr / fr.sum()
    zl = raw["cog_zones_2022"]
    zl = zl[zl.NIVGEO == "ZE2020"]
    zlab = dict(zip(zl.CODGEO.tolist(), zl.LIBGEO.tolist()))
    tz = tz[isin(tz.ze, set(fl.code_ze))]
    m = tz.merge(fl[["code_ze", "a38", "eff_23"]], left_on="ze", right_on="code_ze")
    m["est"] = m.weight * m.eff_23
    est = m.groupby(["territory_id", "a38"]).est.sum(min_count=1).rename("jobs").reset_index()
    est["share"] = 100.0 * est.jobs / est.groupby("territory_id").jobs.transform("sum")
    est["label"] = est.a38.map(labels)
    naf = raw["naf_a38"]
    est["label_naf"] = est.a38.map(dict(zip(naf["Code\nA 38"].tolist(),
                                            naf["Description\n (Français)"].str.strip().tolist())))
    est["share_france"] = est.a38.map(fr_share)
    zones = {}
    for tid, g in tz.groupby("territory_id", sort=False):
        tpop = g.population_2021.sum()
        g = g.sort_values("population_2021", ascending=False)
        zones[tid] = "; ".join(
            f"{z} {zlab.get(z, '')} ({100 * p / tpop:.0f} % de la population du territoire, "
            f"{100 * w:.0f} % de celle de la zone)"
            for z, p, w in zip(g.ze.tolist(), g.population_2021.tolist(), g.weight.tolist()))
    est["zones"] = est.territory_id.map(zones)
    out = est
    with np.errstate(divide="ignore", invalid="ignore"):
        out["specificity"] = out.share / out.share_france
    out["industry"] = out.a38.isin(INDUSTRY_A38)
    out["year"] = "2023"
    out["match_method"] = ("Emplois salariés Flores 2023 des zones d'emploi 2020 ventilés au prorata de la "
                           "part de la population de chaque zone (RP 2021) qui réside dans le territoire ; "
                           "communes rattachées aux zones par la table d'appartenance Insee 2022.")
    return out[["territory_id", "a38", "label", "jobs", "share", "share_france", "specificity", "year",
                "zones", "match_method", "industry", "label_naf"]]


def flores_broad_sectors(raw, rp21) -> dict[str, pd.DataFrame]:
    """Shares (%) of Flores 2023 salaried jobs by broad sector (columns = sector_id) for each
    territory and region: each zone's jobs apportioned by the share of the zone's population
    (RP 2021) living in the place, as for the A38 table. Places without a zone of the file
    (Mayotte) are absent."""
    pop = ze_population(raw, rp21)
    ze_pop = pop.groupby("ze").population_2021.sum()
    fl = raw["flores_a38_ze"]
    ze_jobs = (fl.assign(sector=fl.a5.map(A5_SECTORS))
               .groupby(["code_ze", "sector"], as_index=False).eff_23.sum(min_count=1))
    out = {}
    for level, key in (("territory", "territory_id"), ("region", "reg")):
        g = pop[pop[key].notna()].groupby([key, "ze"]).population_2021.sum().reset_index()
        g["weight"] = g.population_2021 / g.ze.map(ze_pop)
        m = g.merge(ze_jobs, left_on="ze", right_on="code_ze")
        m["est"] = m.weight * m.eff_23
        jobs = m.pivot_table(index=key, columns="sector", values="est", aggfunc="sum")
        jobs = jobs.reindex(columns=[s[0] for s in SECTORS])
        out[level] = 100.0 * jobs.div(jobs.sum(axis=1), axis=0)
    return out


def overseas_sectors(ind: pd.DataFrame, jbs: pd.DataFrame, shares: dict[str, pd.DataFrame],
                     terr: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where the census-based industry share is missing (overseas: the PTOD EPCI files are
    metropolitan), fill the territory and its region from Flores 2023 (``flores_broad_sectors``),
    flagged and explained, unranked (another definition); the France and all-territories rows
    stay census-based and their note says so. Mayotte, without a zone, stays ``nd``."""
    ind, jbs = ind.copy(), jbs.copy()
    jbs["note"] = ""
    jbs["source_id"] = np.where(jbs.share.notna(), "ptod_epci_exdeco", "")
    jbs["comparable"] = True
    key = ind.indicator_id.eq("industry_jobs_share")
    t = ind[key & ind.level.eq("territory") & ind.value.isna()]
    tids = [tid for tid in t.territory_id if tid in shares["territory"].index
            and shares["territory"].loc[tid].notna().all()]
    region_of = dict(zip(terr.territory_id, terr.region_code))
    n_metro = int((~terr.overseas).sum())
    for tid in tids:
        reg = region_of[tid]
        reg_ok = reg in shares["region"].index and shares["region"].loc[reg].notna().all()
        rows = key & ind.territory_id.eq(tid)
        m = rows & ind.level.eq("territory")
        ind.loc[m, ["value", "year", "status", "approx", "note", "comparable", "source_id"]] = [
            shares["territory"].at[tid, "industry"], "2023", "ok", True, FLORES_NOTE, False, "flores_a38_ze"]
        ind.loc[m, "rank"] = pd.NA      # n_ranked stays: the count of the census-based values
        if reg_ok:
            m = rows & ind.level.eq("region")
            ind.loc[m, ["value", "year", "status", "note", "comparable", "source_id"]] = [
                shares["region"].at[reg, "industry"], "2023", "ok", FLORES_REGION_NOTE, False, "flores_a38_ze"]
        for level, note in FLORES_BENCH_NOTE.items():
            ind.loc[rows & ind.level.eq(level), "note"] = note.format(n=n_metro)
        jt = jbs.territory_id.eq(tid)
        for level, geo, note in (("territory", tid, FLORES_SECTORS_NOTE),
                                 ("region", reg, FLORES_REGION_NOTE)):
            if level == "region" and not reg_ok:
                continue
            m = jt & jbs.level.eq(level)
            jbs.loc[m, "share"] = jbs.loc[m, "sector_id"].map(shares[level].loc[geo]).to_numpy()
            jbs.loc[m, ["year", "approx", "note", "source_id", "comparable"]] = [
                "2023", True, note, "flores_a38_ze", False]
        for level, note in FLORES_BENCH_NOTE.items():
            jbs.loc[jt & jbs.level.eq(level), "note"] = note.format(n=n_metro)
    # what stays missing overseas (Mayotte) says that neither source covers it
    uncovered = set(terr.loc[terr.overseas, "territory_id"]) - set(tids)
    m = key & ind.value.isna() & ind.territory_id.isin(uncovered) & ind.level.isin(["territory", "region"])
    ind.loc[m, "note"] = MAYOTTE_SECTORS_NOTE
    m = jbs.share.isna() & jbs.territory_id.isin(uncovered) & jbs.level.isin(["territory", "region"])
    jbs.loc[m, "note"] = MAYOTTE_SECTORS_NOTE
    return ind, jbs


def coverage_table(matched: dict[str, pd.DataFrame], communes: pd.DataFrame,
                   comd_parent: dict[str, str], unmatched: dict[str, int],
                   merged_2024: set[str] = frozenset()) -> pd.DataFrame:
    """Per territory and source: member communes (COG 2023) reached by the source's rows,
    directly or through a merger (old code -> parent, or a commune merged into a 2024 one)."""
    parent = {k: v for k, v in comd_parent.items() if k != v}
    com = communes[["territory_id", "insee_com"]]
    group = com.insee_com.map(lambda c: parent.get(c, c))
    n = com.groupby("territory_id").size()
    gone = isin(com.insee_com, merged_2024).groupby(com.territory_id).sum()
    rows = []
    for sid, df in matched.items():
        refs = set(df["ref"].dropna().astype(str))
        reached_groups = {parent.get(r, r) for r in refs}
        hit = isin(com.insee_com, refs) | isin(group, reached_groups)
        m = hit.groupby(com.territory_id).sum()
        rows.append(pd.DataFrame({"territory_id": n.index, "source_id": sid,
                                  "n_member_communes": n.to_numpy(),
                                  "n_matched": m.reindex(n.index).fillna(0).astype(int).to_numpy(),
                                  "n_source_codes_unmatched": unmatched.get(sid, 0),
                                  "n_merged_2024": gone.reindex(n.index).fillna(0).astype(int).to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out["share_matched"] = (100.0 * out.n_matched / out.n_member_communes).round(2)
    return out[["territory_id", "source_id", "n_member_communes", "n_matched", "share_matched",
                "n_source_codes_unmatched", "n_merged_2024"]].sort_values(["territory_id", "source_id"]).reset_index(drop=True)


# ------------------------------------------------------------------ build

def build_all(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    tabs = territories.build_tables(raw)
    terr, communes = tabs["territories"], tabs["communes"]
    cw = make_crosswalk(raw)
    cat = indicators.load_catalogue()

    rp21 = cw.attach(prep_rp2021(raw))
    rp18 = cw.attach(prep_rp2018(raw))
    rev = cw.attach(prep_revenus(raw))
    iris = cw.attach(prep_iris(raw))
    urssaf, urssaf_over, _ = prep_urssaf(raw)
    urssaf = cw.attach(urssaf)

    # EPCI-level percentages (PTOD), attributed to communes
    ex = raw["ptod_epci_exdeco"].set_index("code")
    ep = raw["ptod_epci"].set_index("code")
    c5 = raw["ptod_communes_5k"].set_index("code")
    epci_vals = {"exdeco": ex, "indic": ep}
    colmap18 = {f"sect_{sid}": col for sid, _, col in SECTORS}
    colmap18.update({"sectindus": "eco_sectindus_pct_22", "effgrandes": "eco_eff_grandes_pct_23"})
    ept_of = ept_of_communes(c5)
    rp18 = attach_epci_values(rp18, epci_vals, communes, c5, colmap18, ept_of)
    rp21 = attach_epci_values(rp21, {"indic": ep}, communes, c5, {"txpauv21": "rev_txpauv_21"}, ept_of)

    tables = {"rp2021": rp21, "rp2018": rp18, "revenus": rev, "iris": iris, "urssaf": urssaf}
    overrides = {"urssaf": urssaf_over}
    ind = compute_indicators(cat, tables, overrides, terr, notes={})
    ind = gap_notes(cat, ind, terr)
    ind = secrecy_notes(ind, rev, communes)
    ind = partial_notes(ind, {"industry_jobs_share": rp18["_src_sectindus"],
                              "large_establishments_jobs_share": rp18["_src_effgrandes"],
                              "poverty_rate": rp21["_src_txpauv21"]},
                        {"industry_jobs_share": rp18, "large_establishments_jobs_share": rp18,
                         "poverty_rate": rp21}, communes)
    # the region benchmark of a territory spanning two regions is the region of its id
    two = set(terr.loc[terr.regions.str.contains(";"), "territory_id"])
    m = ind.level.eq("region") & ind.territory_id.isin(two) & ind.note.eq("")
    ind.loc[m, "note"] = "Territoire sur deux régions : la région de référence est celle de son identifiant."
    fr_metro = {i["id"] for i in cat if i["source"] in ("ptod_iris", "ptod_epci", "ptod_epci_exdeco")}
    m = ind.level.eq("france") & ind.indicator_id.isin(fr_metro) & ind.note.eq("")
    ind.loc[m, "note"] = "France métropolitaine (la source ne couvre pas l'outre-mer)."
    n_metro = int((~terr.overseas).sum())
    m = ind.level.eq("all_territories") & ind.indicator_id.isin(fr_metro) & ind.note.eq("")
    ind.loc[m, "note"] = (f"Les {n_metro} territoires de France métropolitaine (la source ne couvre pas "
                          "l'outre-mer).")
    # (median income: the France row is the national row of PTOD, metropolitan France, said
    # by france_scope)
    france_notes = {
        "comparateur_2024": "France métropolitaine et départements d'outre-mer, hors Mayotte.",
        "comparateur_2022": "France métropolitaine et départements d'outre-mer, hors Mayotte.",
        "urssaf_private_jobs": "France entière publiée par l'URSSAF (hors Mayotte).",
    }
    src_of = {i["id"]: i["source"] for i in cat}
    for iid, src in src_of.items():
        if src in france_notes:
            m = ind.level.eq("france") & ind.indicator_id.eq(iid) & ind.note.eq("")
            ind.loc[m, "note"] = france_notes[src]

    # coverage
    cmp24 = raw["comparateur_2024"]
    comd_parent = cw.parent
    matched = {"comparateur_2024": rp21[rp21.population_2021.notna()],
               "comparateur_2022": rp18[rp18.P18_POP.notna()],
               "statloc_revenus": rev[rev.med21.notna()],
               "ptod_iris": iris,
               "urssaf_private_jobs": urssaf,
               "ptod_epci_exdeco": rp18[rp18.sectindus.notna()]}
    # source codes that reach no commune of today's geography (neither a current commune,
    # nor an old commune with a known parent): reported, they could hide member communes
    known = (set(cmp24.insee_com[cmp24.commune_type != "COMD"]) | set(raw["cog_appartenance_2022"].CODGEO)
             | set(cw.ref23) | set(cw.ref24) | set(cw.parent))
    unmatched = {sid: int((~isin(df.code, known)).sum())
                 for sid, df in {"comparateur_2024": rp21, "comparateur_2022": rp18,
                                 "statloc_revenus": rev, "ptod_iris": iris.drop_duplicates("code"),
                                 "urssaf_private_jobs": urssaf}.items()}
    merged_2024 = set(raw["ti_communes_cog2023"].insee_com) - set(raw["ti_communes_cog2024"].insee_com) \
        - set(cmp24.insee_com)
    cov = coverage_table(matched, communes, comd_parent, unmatched, merged_2024)

    out = dict(tabs)
    out["indicators"] = ind
    out["series_private_jobs"] = series_private_jobs(urssaf, urssaf_over, terr)
    ind, out["jobs_by_sector"] = overseas_sectors(ind, jobs_by_sector(rp18, terr, france_row=ex.loc[NATIONAL_CODE]),
                                                  flores_broad_sectors(raw, rp21), terr)
    ind = official_values(ind, raw, single_unit_territories(tabs["members"], communes))
    ind["france_scope"] = ind.indicator_id.map(france_scope(cat))
    out["indicators"] = ind
    out["establishments_breakdown"] = establishments_breakdown(rp18, terr)
    out["a38"] = a38_table(raw, rp21, terr)
    out["coverage"] = cov
    return out


PARQUET = {"territories", "indicators"}
TABLES = ("territories", "members", "communes", "indicators", "series_private_jobs", "jobs_by_sector",
          "establishments_breakdown", "a38", "coverage")


def _write(tables: dict[str, pd.DataFrame], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(target / f"{name}.csv", index=False, encoding="utf-8")
        if name in PARQUET:
            df.to_parquet(target / f"{name}.parquet", index=False)


def build_processed(force: bool = False, raw_dir: Path | None = None,
                    processed_dir: Path | None = None) -> str:
    """Build data/processed/ (see module docstring); returns a printable summary."""
    t0 = time.perf_counter()
    srcs = sources.load_manifest()
    raw_dir = raw_dir or config.raw_dir()
    target = processed_dir or config.processed_dir()
    sources.verify({k: v for k, v in srcs.items() if k in RAW_USED}, raw_dir)
    digest = inputs_hash(srcs)
    stamp = target / STAMP
    tables_there = all((target / f"{n}.csv").is_file() for n in TABLES)
    if not force and stamp.is_file() and tables_there:
        try:
            if json.loads(stamp.read_text(encoding="utf-8")).get("inputs") == digest:
                return f"data/processed: up to date ({target}), nothing rebuilt (use --force to rebuild)"
        except (OSError, ValueError):
            pass
    raw = read_raw(raw_dir, srcs)
    tables = build_all(raw)
    schemas.validate_processed(tables)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        _write(tables, staging)
        ind = tables["indicators"]
        summary = {
            "inputs": digest,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(time.perf_counter() - t0, 2),
            "territories": int(len(tables["territories"])),
            "indicators": int(ind.indicator_id.nunique()),
            "rows": {k: int(len(v)) for k, v in tables.items()},
        }
        (staging / STAMP).write_text(json.dumps(summary, indent=2), encoding="utf-8")
        atomic.replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    t = ind[ind.level == "territory"]
    nd = int(t.value.isna().sum())
    return (f"data/processed: {summary['territories']} territories, {summary['indicators']} indicators "
            f"({len(t)} territory values, {nd} not available), "
            f"{len(tables['communes'])} member communes; built in {time.perf_counter() - t0:.1f} s -> {target}")
