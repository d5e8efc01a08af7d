"""The PDF and DOCX outputs and the HTML preview, read back."""

import base64
import io
import re
import zlib

import docx

from tests.press.conftest import make_release
from warta.press import outputs


def _pdf_text(pdf: bytes) -> str:
    """The text-showing operators' strings of an uncompressed (or Flate) PDF, joined."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\n?endstream", pdf, re.S):
        if stream.rstrip().endswith(b"~>"):  # reportlab: ASCII85 over Flate
            stream = zlib.decompress(base64.a85decode(stream.rstrip()[:-2].replace(b"\n", b"")))
        chunks += re.findall(rb"\((.*?)\)\s*Tj", stream, re.S)
    return b" ".join(chunks).decode("latin-1").replace("\\(", "(").replace("\\)", ")")


def test_date_in_indonesian(release):
    assert outputs.dateline(release) == "Cibinong, 23 November 2026"


def test_letterhead_is_parent_then_unit_in_capitals(release, tree):
    assert outputs.letterhead(release) == ["PROVINSI JAWA BARAT", "KABUPATEN BOGOR"]


def test_pdf_has_the_formal_layout(release):
    pdf = outputs.release_pdf(release, compress=False)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    for expected in ("PROVINSI JAWA BARAT", "KABUPATEN BOGOR", "SIARAN PERS", "Nomor: 001/HUMAS/XI/2026",
                     "Pemkab Bogor Gelar Vaksinasi Massal", "Cibinong, 23 November 2026", "Budi Santoso",
                     "Narahubung:", "Sari (Pranata Humas)", "Halaman 1"):
        assert expected in text, expected
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4


def test_pdf_compressed_still_readable(release):
    pdf = outputs.release_pdf(release)
    assert "SIARAN PERS" in _pdf_text(pdf)


def test_pdf_escapes_markup(tree, admin):
    release = make_release(admin, tree.kab, number="", headline="Harga <b>cabai</b> & bawang")
    text = _pdf_text(outputs.release_pdf(release, compress=False))
    assert "Harga<b>cabai</b>&bawang" in text.replace(" ", "")  # shown as text, not taken as bold markup


def test_long_release_gets_page_numbers(tree, admin):
    body = "\n\n".join(f"Paragraf nomor {i} tentang pembangunan jalan desa." * 4 for i in range(80))
    text = _pdf_text(outputs.release_pdf(make_release(admin, tree.kab, number="", body=body), compress=False))
    assert "Halaman 2" in text
    assert "Halaman 3" in text


def test_docx_paragraphs(release):
    document = docx.Document(io.BytesIO(outputs.release_docx(release)))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[:5] == ["PROVINSI JAWA BARAT", "KABUPATEN BOGOR", "SIARAN PERS",
                              "Nomor: 001/HUMAS/XI/2026", "Pemkab Bogor Gelar Vaksinasi Massal"]
    assert paragraphs[5].startswith("Cibinong, 23 November 2026 \u2013 Pemerintah Kabupaten Bogor")
    assert "Warga diminta membawa KTP." in paragraphs
    assert "\u201cVaksin aman dan halal.\u201d" in paragraphs
    assert "Narahubung:" in paragraphs
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_html_escapes(tree, admin):
    release = make_release(admin, tree.kab, number="", headline="<script>alert(1)</script>")
    html = outputs.release_html(release)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
