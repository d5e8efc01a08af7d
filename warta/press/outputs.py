"""A release as HTML (preview, public page), PDF (reportlab) and DOCX (python-docx), all in the
formal layout of a government press release: the letterhead (kop) with the parent unit and the
unit in capitals over a rule, "SIARAN PERS", the number, the headline, "Tempat, tanggal", the
lead, the body, the quotes and the contact person; A4, page numbers.

The PDF uses reportlab's built-in Times faces (no font file to ship; Indonesian needs only
Latin letters). See docs/adr/0021-press-releases.md.
"""

import io
import re
from datetime import date
from xml.sax.saxutils import escape

from django.template.loader import render_to_string

# The document itself is Indonesian whatever the reader's UI language: an official letter.
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
TITLE = "SIARAN PERS"


def date_id(value: date) -> str:
    """``23 November 2026``."""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def dateline(release) -> str:
    """``Cibinong, 23 November 2026``."""
    return f"{release.place}, {date_id(release.release_date)}"


def letterhead(release) -> list[str]:
    """The kop lines, top first: the parent's name (when any), then the unit's, in capitals."""
    unit = release.unit
    lines = []
    if unit.parent_id:
        lines.append(unit.parent.name.upper())
    lines.append(unit.name.upper())
    return lines


def contact_lines(release) -> list[str]:
    lines = []
    if release.contact_name:
        lines.append(release.contact_name + (f" ({release.contact_position})" if release.contact_position else ""))
    if release.contact_phone:
        lines.append(f"Telepon: {release.contact_phone}")
    if release.contact_email:
        lines.append(f"Email: {release.contact_email}")
    return lines


def release_html(release, *, attachments=None, attachment_url=None) -> str:
    """The release as safe HTML (the approver's preview, the detail page and the public page)."""
    return render_to_string("press/_release_body.html", {
        "release": release, "kop": letterhead(release), "title": TITLE, "dateline": dateline(release),
        "contact": contact_lines(release), "attachments": attachments or [], "attachment_url": attachment_url,
    })


# XML 1.0 (and so DOCX) refuses C0 control characters other than tab, newline and carriage return;
# a pasted text can carry them (\x0b from Word, \x1b from a terminal).
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML document (DOCX) cannot hold."""
    return _XML_UNSAFE.sub("", str(text))


def filename(release, ext: str) -> str:
    return f"siaran-pers-{release.slug}.{ext}"


# --- PDF --------------------------------------------------------------------------------------


def release_pdf(release, *, compress: bool = True) -> bytes:
    """Render the release as an A4 PDF; ``compress=False`` leaves the text streams readable."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=release.headline, author=release.unit.name,
                            subject=TITLE, pageCompression=1 if compress else 0)
    base = ParagraphStyle("base", fontName="Times-Roman", fontSize=12, leading=16, alignment=TA_JUSTIFY,
                          spaceAfter=8)
    kop_small = ParagraphStyle("kop1", parent=base, fontName="Times-Bold", fontSize=13, alignment=TA_CENTER,
                               spaceAfter=0)
    kop_big = ParagraphStyle("kop2", parent=base, fontName="Times-Bold", fontSize=15, leading=19,
                             alignment=TA_CENTER, spaceAfter=2)
    title = ParagraphStyle("title", parent=base, fontName="Times-Bold", fontSize=14, alignment=TA_CENTER,
                           spaceAfter=2)
    number = ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceAfter=10)
    headline = ParagraphStyle("headline", parent=base, fontName="Times-Bold", fontSize=14, leading=18,
                              alignment=TA_CENTER, spaceAfter=12)
    quote = ParagraphStyle("quote", parent=base, fontName="Times-Italic", leftIndent=1 * cm, rightIndent=1 * cm)
    small = ParagraphStyle("small", parent=base, spaceAfter=2, alignment=0)

    def p(text, style):
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    kop = letterhead(release)
    story = [p(line, kop_small) for line in kop[:-1]]
    story += [p(kop[-1], kop_big),
              HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=2, spaceAfter=1),
              HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceAfter=12),
              p(TITLE, title)]
    if release.number:
        story.append(p(f"Nomor: {release.number}", number))
    else:
        story.append(Spacer(1, 8))
    story.append(p(release.headline, headline))
    story.append(Paragraph(f"<b>{escape(dateline(release))}</b> \u2013 {escape(release.lead)}", base))
    story += [p(para, base) for para in release.paragraphs]
    for q in release.quotes:
        story.append(p(f"\u201c{q.get('text', '')}\u201d", quote))
        who = ", ".join(x for x in (q.get("name", ""), q.get("position", "")) if x)
        if who:
            story.append(p(f"\u2014 {who}", ParagraphStyle("who", parent=quote, fontName="Times-Roman")))
    contact = contact_lines(release)
    if contact:
        story += [Spacer(1, 12), Paragraph("<b>Narahubung:</b>", small)] + [p(line, small) for line in contact]

    def page_number(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Times-Roman", 10)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"Halaman {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


# --- DOCX -------------------------------------------------------------------------------------


def _page_field(paragraph) -> None:
    """Append a PAGE field (Word fills in the page number)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def release_docx(release) -> bytes:
    """Render the release as a Word document in the same layout as the PDF."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)

    def para(text="", *, bold=False, italic=False, size=None, center=False, justify=False):
        paragraph = document.add_paragraph()
        if text:
            run = paragraph.add_run(xml_safe(text))
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif justify:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        return paragraph

    kop = letterhead(release)
    for line in kop[:-1]:
        para(line, bold=True, size=13, center=True)
    last = para(kop[-1], bold=True, size=15, center=True)
    # The rule under the kop: a bottom border on the unit's line.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    last._p.get_or_add_pPr().append(borders)

    para(TITLE, bold=True, size=14, center=True)
    if release.number:
        para(f"Nomor: {release.number}", center=True)
    para(release.headline, bold=True, size=14, center=True)
    lead = para(justify=True)
    lead.add_run(xml_safe(dateline(release))).bold = True
    lead.add_run(xml_safe(f" \u2013 {release.lead}"))
    for text in release.paragraphs:
        para(text, justify=True)
    for q in release.quotes:
        quote = para(f"\u201c{q.get('text', '')}\u201d", italic=True, justify=True)
        quote.paragraph_format.left_indent = Cm(1)
        who = ", ".join(x for x in (q.get("name", ""), q.get("position", "")) if x)
        if who:
            para(f"\u2014 {who}").paragraph_format.left_indent = Cm(1)
    contact = contact_lines(release)
    if contact:
        para("Narahubung:", bold=True)
        for line in contact:
            para(line)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Halaman ")
    _page_field(footer)

    document.core_properties.title = xml_safe(release.headline)
    document.core_properties.author = xml_safe(release.unit.name)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
