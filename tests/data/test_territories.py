"""Territories, members, communes, the partial EPCI and the commune crosswalk."""

from __future__ import annotations

import pandas as pd
import pytest

from portraits.data import prepare, store, territories
from portraits.data.territories import Crosswalk, dep_of, fold_arm


pytestmark = pytest.mark.usefixtures("processed")


def test_counts_match_the_programme():
    terr = store.list_territories()
    assert len(terr) == 183 and terr.territory_id.is_unique
    assert terr.overseas.sum() == 10
    assert (terr.regions.str.contains(";")).sum() == 15          # 15 span two regions
    assert (terr.departments.str.contains(";")).sum() == 65      # 65 span several departments
    members = store.table("members")
    assert len(members) == 641
    assert members.type.value_counts().to_dict() == {"EPCI": 626, "COM": 12, "EPT": 3}
    communes = store.table("communes")
    assert len(communes) == 18664 and communes.insee_com.is_unique
    assert terr.n_communes.sum() == 18664
    assert set(terr.region_code) == {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32",
                                     "44", "52", "53", "75", "76", "84", "93", "94"}


def test_partial_epci_ti_7506():
    t = store.territory("ti-7506")
    assert t.has_partial_epci and t.partial_epci == ["200066744"]
    m = t.members
    partial = m[m.partial]
    assert len(partial) == 11 and set(partial.type) == {"COM"}
    assert set(partial.epci_siren) == {"200066744"}               # CC Haute-Corrèze Communauté
    com = store.communes("ti-7506")
    assert (com.siren_epci == "200066744").sum() == 11
    assert not com[com.siren_epci == "200066744"].whole_epci.any()
    assert t.partial_epci_names == ["CC Haute-Corrèze Communauté"]


def test_partial_epci_ti_2707():
    t = store.territory("ti-2707")
    assert t.partial_epci == ["200067882"]
    com = store.communes("ti-2707")
    cercy = com[com.insee_com == "58046"]
    assert len(cercy) == 1 and cercy.type_groupement.iloc[0] == "COM"
    assert t.n_communes == 111


def test_ept_territory():
    t = store.territory("ti-1101")
    assert t.n_ept == 1 and t.members.type.tolist() == ["EPT"]
    assert t.n_communes == 7


def test_overseas_territory():
    t = store.territory("ti-0601")
    assert t.overseas and t.region_name == "Mayotte" and t.departments == ["976"]


# -------------------------------------------------------------- crosswalk

@pytest.fixture()
def cw():
    c23 = pd.DataFrame({"id_ti": ["ti-1", "ti-1", "ti-2"], "insee_com": ["01001", "01002", "85084"],
                        "siren_epci": ["e1", "e1", "e2"]})
    c24 = pd.DataFrame({"id_ti": ["ti-1", "ti-2", "ti-2"], "insee_com": ["01001", "85084", "85165"],
                        "siren_epci": ["e1", "e2", "e2"]})
    comd = {"01099": "01002", "01002": "01002", "85999": "85165"}
    return Crosswalk(c23, c24, comd, {"01": "84", "85": "52", "13": "93"}, {"13005": "e9"})


def test_crosswalk_steps(cw):
    m = cw.map(pd.Series(["01001", "85165", "01099", "85999", "13005", "99999"])).set_index("code")
    assert m.loc["01001", "territory_id"] == "ti-1" and m.loc["01001", "step"] == 1
    assert m.loc["85165", "territory_id"] == "ti-2" and m.loc["85165", "step"] == 2   # re-created 2024
    assert m.loc["01099", "ref"] == "01002" and m.loc["01099", "step"] == 3           # old code -> parent
    assert m.loc["85999", "territory_id"] == "ti-2" and m.loc["85999", "step"] == 3   # parent via COG 2024
    assert pd.isna(m.loc["13005", "territory_id"]) and m.loc["13005", "reg"] == "93"
    assert m.loc["13005", "epci"] == "e9"
    assert pd.isna(m.loc["99999", "territory_id"])


def test_arrondissements_and_departments():
    codes = pd.Series(["13201", "69381", "75116", "01001", "97411", "2A004"])
    assert fold_arm(codes).tolist() == ["13055", "69123", "75056", "01001", "97411", "2A004"]
    assert dep_of(codes).tolist() == ["13", "69", "75", "01", "974", "2A"]


def test_old_codes_reach_their_territory():
    """Codes of the comparateur 2022 (COG 2021) merged since then are summed into the
    territory of their new commune (step 3), e.g. ti-2701 gains its merged communes' jobs."""
    raw = prepare.read_raw()
    cw = prepare.make_crosswalk(raw)
    rp18 = cw.attach(prepare.prep_rp2018(raw))
    old = rp18[rp18.step == 3]
    assert len(old) >= 10 and {"ti-2701", "ti-3214", "ti-5218"} <= set(old.territory_id)
    assert old.territory_id.notna().all()
    jobs = store.indicators("ti-2701").set_index("indicator_id").loc["jobs", "territory"]
    assert jobs == pytest.approx(rp18.loc[rp18.territory_id == "ti-2701", "P18_EMPLT"].sum())


def test_marseille_is_counted_once_in_its_territory():
    com = store.communes("ti-9301")
    assert "13055" in set(com.insee_com)
    assert not com.insee_com.str.startswith("132").any()




@pytest.mark.parametrize("raw, name", [("CA Haut - Bugey Agglomération", "CA Haut-Bugey Agglomération"),
                                       ("CA de Lens  -  Liévin", "CA de Lens-Liévin"),
                                       ("CC Haute-Corrèze Communauté", "CC Haute-Corrèze Communauté")])
def test_spaced_hyphens_of_the_sources_are_joined(raw, name):
    assert territories.tidy_name(raw) == name and territories.tidy_name(None) is None


def test_member_names_have_no_spaced_hyphen():
    t = store.territory("ti-8413")
    assert t.members.name.tolist() == ["CA Haut-Bugey Agglomération"]
