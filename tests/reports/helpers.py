import subprocess
from pathlib import Path

from PIL import Image


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def yellow_pixels(path: Path, page: int) -> int:
    """Pixels of a rendered page that are the insertions' yellow (red and green high, no blue)."""
    prefix = path.with_suffix(f".p{page}")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-singlefile", "-f", str(page), "-l", str(page)]
        + [str(path), str(prefix)],
        check=True,
    )
    image = Image.open(f"{prefix}.png").convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 220 and g > 220 and b < 80)


def page_with(path: Path, text: str) -> int:
    from pypdf import PdfReader

    for number, page in enumerate(PdfReader(path).pages, start=1):
        if text in page.extract_text():
            return number
    raise AssertionError(f"{text!r} is on no page")
