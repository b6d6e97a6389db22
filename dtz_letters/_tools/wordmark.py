"""Neutral wordmarks: the stand-in logo of a municipality until its official logo is supplied.

The official logos are not ours to draw. A wordmark is plain type in the house font, in grey,
so nobody mistakes it for the real thing; the profile marks it ``vervangen: true``. Run
``python -m dtz_letters._tools.wordmark templates/<slug>`` to (re)draw one from its profile.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .._input.workspace import FONTS_FOLDER

#: Drawn at 4x the printed size (45 mm wide at 300 dpi is about 530 px).
_SCALE = 4


def draw_wordmark(name: str, font_file: Path, target: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    small = ImageFont.truetype(str(font_file), 22 * _SCALE)
    large = ImageFont.truetype(str(font_file), 40 * _SCALE)
    lines = [("gemeente", small), (name, large)]
    boxes = [ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), t, font=f) for t, f in lines]
    width = int(max(b[2] for b in boxes)) + 8 * _SCALE
    height = int(sum(b[3] for b in boxes)) + 10 * _SCALE
    image = Image.new("LA", (width, height), (255, 0))
    draw = ImageDraw.Draw(image)
    y = 0
    for (text, font), box in zip(lines, boxes, strict=True):
        draw.text((0, y), text, font=font, fill=(80, 255))
        y += int(box[3]) + 4 * _SCALE
    draw.rectangle((0, height - 3 * _SCALE, width, height), fill=(80, 255))
    image.save(target, format="PNG", optimize=True)


def main(argv: list[str]) -> int:
    import yaml

    for folder in map(Path, argv):
        profile = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
        font = folder.parent / FONTS_FOLDER / "OpenSans-Bold.ttf"
        draw_wordmark(profile["naam"], font, folder / profile["logo"]["bestand"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
