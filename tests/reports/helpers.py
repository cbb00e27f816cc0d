import re
import subprocess
from pathlib import Path

from pikepdf import Array, Pdf
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
    for number, page in enumerate(pdf_text(path).split("\f"), start=1):
        if text in " ".join(page.split()):
            return number
    raise AssertionError(f"{text!r} is on no page")


MARKED_CONTENT = re.compile(rb"/MCID (\d+)")


def assert_tagged(path: Path) -> str:
    """Check that a PDF is tagged consistently, as PDF/UA asks, and return the text of its
    structure tree in reading order (from poppler, which reads the tree, not the pages).

    Every structure element in the tree is the child of its /P and found from each page it
    marks through the parent tree; every marked content on a page and every link leads through
    the parent tree to an element that holds it; and the file says it is PDF/UA-1. (WeasyPrint
    leaves the elements of running headers out of the tree on purpose: PDF 1.7 has no place
    for artifacts there.)
    """
    with Pdf.open(path) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True and str(root.Lang)
        assert root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as metadata:
            assert metadata.get("pdfuaid:part") == "1" and metadata.get("dc:title")
        tree = root.StructTreeRoot
        nums = tree.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert len(parents) == len(nums) // 2, "a key twice in the parent tree"
        assert int(tree.get("/ParentTreeNextKey", len(parents))) > max(parents)
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        marks, links = {}, {}  # (page, MCID) or link annotation -> the element holding it

        def walk(element, parent, page):
            assert element.P.objgen == parent.objgen, "an element's /P is not its parent"
            page = element.get("/Pg", page)
            kids = element.get("/K", ())
            for kid in kids if isinstance(kids, Array) else [kids]:
                if isinstance(kid, int):
                    marks[(pages[page.objgen], kid)] = element.objgen
                elif kid.get("/Type") == "/MCR":
                    marks[(pages[kid.get("/Pg", page).objgen], int(kid.MCID))] = element.objgen
                elif kid.get("/Type") == "/OBJR":
                    links[kid.Obj.objgen] = element.objgen
                else:
                    walk(kid, element, page)

        kids = tree.K
        for element in kids if isinstance(kids, Array) else [kids]:
            walk(element, tree, None)
        for number, page in enumerate(pdf.pages):
            marked = [int(m) for m in MARKED_CONTENT.findall(b"".join(_contents(page)))]
            in_tree = parents[int(page.StructParents)]
            assert len(in_tree) == len(marked) == len(set(marked)), f"page {number + 1}"
            for mcid in marked:
                kids = in_tree[mcid].K
                assert mcid in (kids if isinstance(kids, Array) else [kids]), f"page {number + 1}"
            for annotation in page.get("/Annots", ()):
                held_by = parents[int(annotation.StructParent)].objgen
                assert held_by == links[annotation.objgen], f"link on page {number + 1}"
        for (number, mcid), element in marks.items():
            page_parents = parents[int(pdf.pages[number].StructParents)]
            assert page_parents[mcid].objgen == element, f"page {number + 1}"
    return subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], check=True, capture_output=True, text=True
    ).stdout


def _contents(page) -> list[bytes]:
    contents = page.obj.Contents
    return (
        [c.read_bytes() for c in contents]
        if isinstance(contents, Array)
        else [contents.read_bytes()]
    )


def asked_job(client, url: str, data: dict):
    """The report job a page's button asked for (the answer sends the asker to it)."""
    from wsis.reports.models import ReportJob

    response = client.post(url, data)
    assert response.status_code == 302, response.status_code
    job = ReportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    job.refresh_from_db()
    return job
