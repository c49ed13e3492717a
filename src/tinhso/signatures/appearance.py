"""The visible appearance of a signature: a framed box with the signer's name and the signing
time in Vietnamese, drawn with the Be Vietnam Pro font (embedded as a subset; pyHanko shapes
the text with HarfBuzz, so diacritics are placed correctly).

Boxes go at the bottom of the last page, right to left: the first signature at the right
margin, the next one to its left, so the official's signature and the organ's seal never
overlap. The labels are document content, always Vietnamese (as on the paper form), so
they are not translated.
"""

from __future__ import annotations

from functools import lru_cache

from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
from pyhanko.pdf_utils import text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import TextStampStyle

from tinhso.signatures.models import IdentityKind

FONT_FILE = FONT_ROOT / "files" / "BeVietnamPro-Regular.ttf"
BOX_WIDTH, BOX_HEIGHT, GAP, MARGIN = 190.0, 56.0, 8.0, 36.0
A4 = (0.0, 0.0, 595.28, 841.89)
TEMPLATES = {
    IdentityKind.PERSONAL: "Người ký: %(signer)s\nThời gian ký: %(ts)s",
    IdentityKind.ORGAN: "Cơ quan: %(signer)s\nThời gian ký: %(ts)s",
}
# A third line for what the signature attests besides the signer, e.g. the number and date
# the clerk gives at issue ("Số: 12/BC-UBND"); filled from `sign_pdf(note=…)`.
NOTE_LINE = "\n%(note)s"


@lru_cache(maxsize=4)
def stamp_style(kind: str, *, with_note: bool = False) -> TextStampStyle:
    return TextStampStyle(
        stamp_text=TEMPLATES[IdentityKind(kind)] + (NOTE_LINE if with_note else ""),
        border_width=1,
        # pyHanko fills %(ts)s with the signing time in the process's time zone, which Django
        # sets to TIME_ZONE (Asia/Ho_Chi_Minh by default).
        timestamp_format="%d/%m/%Y %H:%M:%S",
        text_box_style=text.TextBoxStyle(
            font=GlyphAccumulatorFactory(str(FONT_FILE)), font_size=8, leading=10
        ),
    )


def box_for(reader: PdfFileReader, index: int) -> tuple[int, tuple[float, float, float, float]]:
    """The last page's index and the box (x1, y1, x2, y2) of the `index`-th visible signature
    (0 = rightmost) at its bottom."""
    page_count = int(reader.root["/Pages"]["/Count"])
    page_index = page_count - 1
    page_ref, _resources = reader.find_page_for_modification(page_index)
    page = page_ref.get_object()
    media_box = [float(v) for v in page.get("/MediaBox", A4)]
    right = media_box[2] - MARGIN - index * (BOX_WIDTH + GAP)
    left = max(media_box[0] + MARGIN, right - BOX_WIDTH)
    bottom = media_box[1] + MARGIN
    return page_index, (left, bottom, right, bottom + BOX_HEIGHT)
