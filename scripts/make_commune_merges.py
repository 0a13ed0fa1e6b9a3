"""Regenerate portraits/data/commune_merges_cog2024.csv (old commune code -> COG 2024 commune).

Input: data/communes.json of the npm package @etalab/decoupage-administratif@4.1.0, e.g.
    npm pack @etalab/decoupage-administratif@4.1.0 && tar xzf etalab-decoupage-administratif-4.1.0.tgz
    python scripts/make_commune_merges.py package/data/communes.json
Rules: commune-deleguee / commune-associee -> chefLieu; then each commune-actuelle's
anciensCodes -> that commune; the first rule wins where a code is listed by both."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "portraits" / "commune_merges_cog2024.csv"


def main(path: str) -> None:
    raw = Path(path).read_bytes()
    df = pd.DataFrame(json.loads(raw))
    d = df[df.type.isin(["commune-deleguee", "commune-associee"]) & (df.code != df.chefLieu)]
    m1 = pd.DataFrame({"old_code": d.code, "new_code": d.chefLieu, "via": d.type})
    a = df[df.type == "commune-actuelle"][["code", "anciensCodes"]].dropna().explode("anciensCodes")
    a = a[a.anciensCodes.notna() & (a.anciensCodes != a.code)]
    m2 = pd.DataFrame({"old_code": a.anciensCodes, "new_code": a.code, "via": "anciensCodes"})
    m = pd.concat([m1, m2]).drop_duplicates("old_code", keep="first").sort_values("old_code")
    header = (
        "# Old commune code -> commune of the COG 2024 that holds it today.\n"
        "# Derived from npm @etalab/decoupage-administratif@4.1.0 (MIT; COG 2024 data of INSEE, Licence Ouverte),\n"
        f"# file data/communes.json (sha256 {hashlib.sha256(raw).hexdigest()}):\n"
        "# rows of type commune-deleguee / commune-associee -> their chefLieu, then the anciensCodes of each\n"
        "# commune-actuelle -> that commune (the first rule wins for the 2 codes listed by both).\n"
        "# Used by portraits.data.territories.Crosswalk (step 3). Regenerate with scripts/make_commune_merges.py.\n")
    OUT.write_text(header + m.to_csv(index=False), encoding="utf-8")
    print(f"{OUT}: {len(m)} old codes")


if __name__ == "__main__":
    main(sys.argv[1])
