"""``portraits preview``: a portrait served on 127.0.0.1 and rebuilt on each edit (server),
its builds (runner), what it watches (watch), its pages (pages) and where a failed build went
wrong in the template (failures)."""
