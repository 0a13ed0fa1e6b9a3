"""The 183 Territoires d'industrie (generation 2023-2027): territories, member groupements,
member communes, and the crosswalk from any source's commune codes to a territory.

Reference geography: the member communes on the COG 2023 (``ti_communes_cog2023``, the
expansion of ANCT's 2024-07 groupements with the COG 2023, basis of ANCT's official commune
file ``liste-ti-com2023``). Crosswalk of a source's commune code (see :func:`crosswalk`):

1. the code is a member commune of the COG 2023 table -> its territory;
2. else the code is a member commune of the COG 2024 expansion (communes created or
   re-created on 2024-01-01, e.g. 85165 L'Oie) -> its territory;
3. else the code is an old commune (merged since: commune déléguée / associée, or absorbed)
   -> the COG 2024 commune that holds it (``portraits/data/commune_merges_cog2024.csv``, derived
   from the COG 2024 of @etalab/decoupage-administratif 4.1.0; the ``COMD`` rows of the
   comparateur 2024 cannot serve: they repeat the code of the commune nouvelle), then 1 or 2.

Codes that match none of these are either outside every territory or fully absorbed
communes absent from the COMD list; they are counted per source in ``coverage.csv``.
Arrondissements of Paris, Lyon and Marseille (ARM) are folded into their commune by the
source readers before the crosswalk, and a commune row is never summed with its ARM rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Arrondissements municipaux: Paris 75101-75120, Marseille 13201-13216, Lyon 69381-69389.
ARM_PARENT = {
    **{f"751{i:02d}": "75056" for i in range(1, 21)},
    **{f"132{i:02d}": "13055" for i in range(1, 17)},
    **{f"6938{i}": "69123" for i in range(1, 10)},
}
PLM = {"75056", "13055", "69123"}

REGION_NAMES = {
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté",
    "28": "Normandie", "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire",
    "53": "Bretagne", "75": "Nouvelle-Aquitaine", "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes", "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}
OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}


def dep_of(codes: pd.Series) -> pd.Series:
    """Department of a commune code (3 characters overseas, 2 otherwise)."""
    codes = codes.astype(object)
    return codes.str[:2].where(~codes.str.startswith("97"), codes.str[:3])


def fold_arm(codes: pd.Series) -> pd.Series:
    """Replace arrondissement codes by their commune (Paris, Lyon, Marseille)."""
    return codes.map(ARM_PARENT).fillna(codes)


def isin(s: pd.Series, values) -> pd.Series:
    """Fast membership test for text columns (pyarrow-backed strings are slow with large sets)."""
    return pd.Series(pd.Index(s.to_numpy(dtype=object), dtype=object).isin(list(values)), index=s.index)


def _split(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


# The sources write the hyphen of a compound name spaced, as a separator ("CA Haut - Bugey
# Agglomération", "CA de Lens - Liévin"); the names' own spelling, and French typography, join
# it: "CA Haut-Bugey Agglomération".
_SPACED_HYPHEN = re.compile(r"\s+-\s+")


def tidy_name(name):
    """A source's EPCI or member name with its spaced hyphens joined; other values unchanged."""
    return _SPACED_HYPHEN.sub("-", name.strip()) if isinstance(name, str) else name


def _epci_labels(grp: pd.DataFrame, zones: pd.DataFrame) -> dict[str, str]:
    """EPCI SIREN -> name: the COG's, replaced by the programme's own for its member EPCI."""
    labels = dict(zip(zones.loc[zones.NIVGEO == "EPCI", "CODGEO"], zones.loc[zones.NIVGEO == "EPCI", "LIBGEO"]))
    for row in grp[grp.type_groupement == "EPCI"].itertuples():
        labels[row.siren_groupement] = row.nom_decoupage_2024 or row.lib_groupement
    return {k: tidy_name(v) for k, v in labels.items()}


def _members(grp: pd.DataFrame, com: pd.DataFrame, partial: dict[str, set[str]]) -> pd.DataFrame:
    """One row per member groupement (EPCI, EPT, single commune), EPCI first."""
    n_com_by_grp = com.groupby("siren_groupement").size()
    members = pd.DataFrame({
        "territory_id": grp.id_ti,
        "siren": grp.siren_groupement,
        "name": grp.nom_decoupage_2024.fillna(grp.lib_groupement).map(tidy_name),
        "type": grp.type_groupement,
        "nature": grp.nature,
        "n_communes": grp.siren_groupement.map(n_com_by_grp).fillna(0).astype(int),
        "partial": [r.type_groupement != "EPCI" and r.siren_epci_de_rattachement in partial[r.id_ti]
                    for r in grp.itertuples()],
        "epci_siren": grp.siren_epci_de_rattachement,
        "insee_com": grp.insee_com,
    })
    type_order = {"EPCI": 0, "EPT": 1, "COM": 2}
    return (members.assign(_o=members.type.map(type_order))
            .sort_values(["territory_id", "_o", "name"]).drop(columns="_o").reset_index(drop=True))


def _communes(com: pd.DataFrame, partial: dict[str, set[str]], epci_labels: dict[str, str]) -> pd.DataFrame:
    """One row per member commune (COG 2023), with its EPCI and whether that EPCI is whole."""
    communes = pd.DataFrame({
        "territory_id": com.id_ti,
        "insee_com": com.insee_com,
        "name": com.lib_com,
        "dep": com.insee_dep,
        "reg": com.insee_reg,
        "siren_epci": com.siren_epci,
        "epci_name": com.siren_epci.map(epci_labels),
        "siren_groupement": com.siren_groupement,
        "type_groupement": com.type_groupement,
    }).sort_values(["territory_id", "insee_com"]).reset_index(drop=True)
    # a commune comes from a whole EPCI when its member is the EPCI itself and that EPCI
    # is not listed as partially included
    communes["whole_epci"] = [
        (r.type_groupement == "EPCI") and (r.siren_epci not in partial[r.territory_id])
        for r in communes.itertuples()]
    return communes


def _territories(ter: pd.DataFrame, members: pd.DataFrame, communes: pd.DataFrame,
                 epci_labels: dict[str, str]) -> pd.DataFrame:
    by_t = communes.groupby("territory_id")
    deps = by_t.dep.agg(lambda s: ";".join(sorted(set(s))))
    regs = by_t.reg.agg(lambda s: ";".join(sorted(set(s))))
    territories = pd.DataFrame({
        "territory_id": ter.id_ti,
        "name": ter.lib_ti.str.strip(),
        "region_code": ter.insee_reg_id,
        "region_name": ter.insee_reg_id.map(REGION_NAMES),
        "overseas": ter.outre_mer.eq("oui"),
        "regions": ter.id_ti.map(regs),
        "departments": ter.id_ti.map(deps),
        "n_members": ter.id_ti.map(members.groupby("territory_id").size()).astype(int),
        "n_epci": ter.n_epci.astype(int),
        "n_ept": ter.n_ept.astype(int),
        "n_single_communes": ter.n_communes_isolees.astype(int),
        "n_communes": ter.id_ti.map(by_t.size()).astype(int),
        "has_partial_epci": ter.epci_partiellement_inclus.notna() & ter.epci_partiellement_inclus.ne(""),
        "partial_epci": ter.epci_partiellement_inclus.fillna(""),
        "partial_epci_names": [";".join(epci_labels.get(s, s) for s in _split(v))
                               for v in ter.epci_partiellement_inclus],
    }).sort_values("territory_id").reset_index(drop=True)
    return territories


def build_tables(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """territories, members and communes tables from the validated raw tables."""
    ter, grp, com = raw["ti_territoires"], raw["ti_groupements"], raw["ti_communes_cog2023"]
    partial = {row.id_ti: set(_split(row.epci_partiellement_inclus)) for row in ter.itertuples()}
    epci_labels = _epci_labels(grp, raw["cog_zones_2022"])
    members = _members(grp, com, partial)
    communes = _communes(com, partial, epci_labels)
    return {"territories": _territories(ter, members, communes, epci_labels), "members": members,
            "communes": communes}


class Crosswalk:
    """Maps commune codes of any source geography to a territory (see module docstring)."""

    def __init__(self, communes_2023: pd.DataFrame, communes_2024: pd.DataFrame,
                 comd_parent: dict[str, str], dep_to_reg: dict[str, str],
                 epci_2022: dict[str, str]):
        self.ref23 = dict(zip(communes_2023.insee_com, communes_2023.id_ti))
        self.ref24 = dict(zip(communes_2024.insee_com, communes_2024.id_ti))
        self.epci23 = dict(zip(communes_2023.insee_com, communes_2023.siren_epci))
        self.epci24 = dict(zip(communes_2024.insee_com, communes_2024.siren_epci))
        self.parent = {k: v for k, v in comd_parent.items() if k != v}
        self.dep_to_reg = dep_to_reg
        self.epci_2022 = epci_2022

    def map(self, codes: pd.Series) -> pd.DataFrame:
        """One row per distinct code: code, ref, territory_id, step (0 = no territory), reg, epci.
        A code is looked up in COG 2023, then COG 2024, then through its parent (step 1/2/3)."""
        uniq = pd.Series(pd.unique(codes.astype(object).to_numpy()), dtype=object)
        parent = uniq.map(self.parent)
        has_parent = parent.notna()
        p = parent.where(has_parent, uniq)
        in23, in24 = uniq.map(self.ref23), uniq.map(self.ref24)
        p23, p24 = p.map(self.ref23), p.map(self.ref24)
        step = np.select([in23.notna(), in24.notna(), has_parent & (p23.notna() | p24.notna())],
                         [1, 2, 3], 0)
        ref = np.where(step == 1, uniq, np.where(step == 2, uniq, p))
        tid = np.select([step == 1, step == 2, step == 3],
                        [in23, in24, p23.fillna(p24)], None)
        e_direct = uniq.map(self.epci23).fillna(uniq.map(self.epci24))
        e_parent = p.map(self.epci23).fillna(p.map(self.epci24))
        e_other = uniq.map(self.epci_2022).fillna(p.map(self.epci_2022))
        epci = np.select([step == 1, step == 2, step == 3], [e_direct, e_direct, e_parent], None)
        epci = pd.Series(epci, dtype=object).where(step > 0, e_other)
        out = pd.DataFrame({"code": uniq, "ref": pd.Series(ref, dtype=object),
                            "territory_id": pd.Series(tid, dtype=object), "step": step,
                            "epci": epci})
        out["reg"] = dep_of(out.code).map(self.dep_to_reg)
        return out

    def attach(self, df: pd.DataFrame, code_col: str = "code") -> pd.DataFrame:
        """Add ref, territory_id, step, reg, epci columns to a table keyed by commune code."""
        cw = self.map(df[code_col]).set_index("code")
        out = df.copy()
        keys = out[code_col].astype("str")
        for col in ["ref", "territory_id", "step", "reg", "epci"]:
            out[col] = keys.map(cw[col]).to_numpy()
        return out
