"""Write portraits/render/templates/reference.docx, the styles of the Word portraits.

pandoc takes a document's styles from a "reference" .docx (`--reference-doc`). This script
starts from pandoc's own (`--print-default-data-file reference.docx`) and sets what a French
administration expects to find: a common font (Arial, available to every Word user), French
as the proofing language, headings in the portraits' blue, ruled table headers. Run it again
after changing a style below; the output is deterministic.

    .venv/bin/python scripts/make_reference_docx.py
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pypandoc

OUT = Path(__file__).resolve().parent.parent / "portraits" / "render" / "templates" / "reference.docx"
FONT = "Arial"
BLUE = "1F4E8C"  # the territory's colour in the charts (portraits.core.levels)


def styles(xml: str) -> str:
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}" />'
    xml = re.sub(r"<w:rFonts w:asciiTheme=\"minorHAnsi\"[^>]*/>", fonts, xml)
    xml = re.sub(r"<w:rFonts w:asciiTheme=\"majorHAnsi\"[^>]*/>", fonts, xml)
    xml = xml.replace('<w:lang w:val="en-US"', '<w:lang w:val="fr-FR"')
    xml = re.sub(r'<w:color w:val="[0-9A-F]{6}" w:themeColor="accent1"\s+w:themeShade="BF" />',
                 f'<w:color w:val="{BLUE}" />', xml)
    # body text 10 pt (sizes are in half-points)
    xml = xml.replace('<w:sz w:val="24" />\n        <w:szCs w:val="24" />',
                      '<w:sz w:val="20" />\n        <w:szCs w:val="20" />', 1)
    return xml.replace('<w:bottom w:val="single"/>', f'<w:bottom w:val="single" w:sz="8" w:color="{BLUE}"/>')


def main() -> None:
    default = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(item.filename)
            if item.filename == "word/styles.xml":
                data = styles(data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    OUT.write_bytes(out.getvalue())
    print(f"{OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
