"""The logo, encoded once per process instead of once per letter.

WeasyPrint embeds a PNG by decoding it and encoding it again for every PDF it writes: for a
logo with transparency (the wordmarks are grey on transparent) twice, the picture and its
mask. A municipality's logo is the same in every letter, so the PDF renderer lets WeasyPrint
encode it for the first letter only, keeps the image it embedded (:func:`keep`), and for the
next letters gives WeasyPrint a stand-in of the same size that it embeds as it is (a JPEG of
one colour: WeasyPrint passes JPEG data through), which is replaced by the kept image
(:func:`put_back`). The PDF comes out byte for byte as if WeasyPrint had encoded the logo
again (a test renders the same letter first and later in one process).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from .pdf import xobject_dicts


@dataclass(frozen=True)
class KeptImage:
    """An image XObject (with its soft mask) as WeasyPrint embedded it, in a PDF of its own."""

    holder: pikepdf.Pdf
    image: pikepdf.Object


def stand_in(width: int, height: int) -> bytes:
    """A JPEG of ``width`` x ``height`` pixels in one colour: what WeasyPrint lays out and
    embeds, unencoded, in the logo's place."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, format="JPEG", quality=10)
    return out.getvalue()


def keep(doc: pikepdf.Pdf, name: str) -> KeptImage | None:
    """The image XObject called ``name`` in ``doc``'s pages (WeasyPrint's name for the
    logo), copied into a PDF of its own; None when there is none."""
    for page in doc.pages:
        for xobjects in xobject_dicts(page.obj.get("/Resources")):
            image = xobjects.get(name)
            if isinstance(image, pikepdf.Stream) and image.get("/Subtype") == "/Image":
                holder = pikepdf.new()
                return KeptImage(holder, holder.copy_foreign(image))
    return None


def put_back(doc: pikepdf.Pdf, stand_in: bytes, kept: KeptImage) -> bool:
    """Replace the image XObject whose data is ``stand_in`` by ``kept`` wherever ``doc``'s
    pages use it; whether it was found. The stand-in itself is no longer referenced, so it
    is not saved."""
    copied: pikepdf.Object | None = None
    for page in doc.pages:
        for xobjects in xobject_dicts(page.obj.get("/Resources")):
            for name in list(xobjects.keys()):
                image = xobjects[name]
                if (
                    isinstance(image, pikepdf.Stream)
                    and image.get("/Filter") == "/DCTDecode"
                    and image.read_raw_bytes() == stand_in
                ):
                    if copied is None:
                        copied = doc.copy_foreign(kept.image)
                    xobjects[name] = copied
    return copied is not None
