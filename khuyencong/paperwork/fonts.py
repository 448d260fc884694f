"""The serif font of official documents: Tinos, metric-compatible with Times New Roman.

The TTF files come from npm (@expo-google-fonts/tinos, copied by scripts/vendor.mjs into
node_modules/.vendor/fonts/tinos/), never from the repository. The PDF embeds them; the DOCX names
Times New Roman, which Word has, and Tinos as its alternative (word.py). Widths measured here from the
font's own metrics let the DOCX draw the rules under the header as long as the text above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FAMILY = "Tinos"
# Word has Times New Roman; Tinos has the same widths, so a line breaks in the same place in both.
WORD_FONT = "Times New Roman"


@dataclass(frozen=True)
class Face:
    file: str
    weight: int
    style: str  # "normal" | "italic"


FACES = (
    Face("Tinos-Regular.ttf", 400, "normal"),
    Face("Tinos-Italic.ttf", 400, "italic"),
    Face("Tinos-Bold.ttf", 700, "normal"),
    Face("Tinos-BoldItalic.ttf", 700, "italic"),
)


def font_dir() -> Path:
    return Path(settings.KHUYENCONG_DOCUMENT_FONT_DIR)


def face_path(face: Face) -> Path:
    path = font_dir() / face.file
    if not path.is_file():
        raise ImproperlyConfigured(
            f"Thiếu phông chữ văn bản {path} (chạy `npm ci`, hoặc `make setup`, để cài @expo-google-fonts/tinos). "
            f"(Missing document font {path}: run `npm ci`.)"
        )
    return path


def faces() -> list[tuple[Face, Path]]:
    return [(face, face_path(face)) for face in FACES]


@cache
def _metrics(path: str) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    return dict(font.getBestCmap()), dict(font["hmtx"].metrics), int(font["head"].unitsPerEm)


def text_width_pt(text: str, *, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """How wide `text` prints in Tinos (so in Times New Roman) at `size_pt`, in points."""
    face = next(f for f in FACES if (f.weight == 700) == bold and (f.style == "italic") == italic)
    cmap, advances, units = _metrics(str(face_path(face)))
    total = sum(advances[cmap[ord(char)]][0] for char in text if ord(char) in cmap)
    return total * size_pt / units
