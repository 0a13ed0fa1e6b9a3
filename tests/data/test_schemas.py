"""Raw tables are validated (pandera) before use; errors name the column and the file."""

from __future__ import annotations

import pandas as pd
import pytest

from portraits.data import schemas

FIX = __import__("pathlib").Path(__file__).parents[1] / "fixtures" / "data"


def test_missing_column_names_column_and_file(tmp_path):
    src = FIX / "comparateur_2022_sample.csv"
    df = pd.read_csv(src, sep=";", dtype=str)
    bad = tmp_path / "base_cc_comparateur.csv"
    df.drop(columns=["P18_EMPLT"]).to_csv(bad, sep=";", index=False)
    with pytest.raises(schemas.RawSchemaError) as exc:
        schemas.read("comparateur_2022", path=bad)
    msg = str(exc.value)
    assert "P18_EMPLT" in msg and "base_cc_comparateur.csv" in msg


def test_good_sample_reads_with_codes_as_text():
    df = schemas.read("comparateur_2022", path=FIX / "comparateur_2022_sample.csv")
    assert df.CODGEO.tolist()[0] == "01001"                 # leading zero kept
    assert df.P18_POP.dtype == "float64"


def test_bad_value_is_refused(tmp_path):
    df = pd.read_csv(FIX / "comparateur_2022_sample.csv", sep=";", dtype=str)
    df.loc[0, "P18_POP"] = "-5"
    bad = tmp_path / "bad.csv"
    df.to_csv(bad, sep=";", index=False)
    with pytest.raises(schemas.RawSchemaError, match="P18_POP"):
        schemas.read("comparateur_2022", path=bad)


def test_secret_markers_read_as_missing(tmp_path):
    text = ("\ufeffInsee - Statistiques locales; ; ; \nRéférentiel géographique : France par commune; ; ; \n"
            "Code;Libellé;Nb de ménages fiscaux 2021;Médiane du niveau de vie 2021\n"
            "01001;A;346;25820\n01002;B;N/A - résultat non disponible;N/A - résultat non disponible\n")
    p = tmp_path / "rev.csv"
    p.write_text(text, encoding="utf-8")
    df = schemas.read("statloc_revenus", path=p)
    assert df["Médiane du niveau de vie 2021"].isna().tolist() == [False, True]


def test_indicators_contract_requires_a_france_scope_code(processed):
    """france_scope is a code (fr: metropolitan France and overseas departments, fm:
    metropolitan France only), never prose: anything else breaks the contract."""
    import pandera.pandas as pa
    from portraits.data import store
    ind = store.table("indicators")
    schema = schemas.PROCESSED["indicators"]
    schema.validate(ind.head(200))
    bad = ind.head(200).copy()
    bad.loc[bad.index[0], "france_scope"] = "France métropolitaine"
    with pytest.raises(pa.errors.SchemaError, match="france_scope"):
        schema.validate(bad)
    with pytest.raises(pa.errors.SchemaError, match="france_scope"):
        schema.validate(ind.head(200).drop(columns="france_scope"))
