from portraits.blocks import header


def test_header_names_region_and_composition(portrait):
    md = portrait.Portrait("ti-8413").header().data
    assert "en Auvergne-Rhône-Alpes" in md and "Il regroupe 42 communes : 1 intercommunalité" in md
    two = portrait.Portrait("ti-2703").header().data
    assert "à cheval sur les régions" in two


def test_header_is_one_paragraph(portrait):
    p = portrait.Portrait("ti-8413")
    text = header.header(p.territory)
    assert text == p.header().data and text.endswith(".\n") and text.count("\n") == 1
    assert text.startswith("Territoire d'industrie de la génération 2023-2027 (identifiant ti-8413) situé ")
