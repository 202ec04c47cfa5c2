"""Draws the program's icon — the red badge with a white «И» that ``app.ui.notifier.app_icon``
paints in the window — and writes it as ``resources/icons/incidents.ico`` (16…256 px, for the
Windows executable) and ``resources/icons/incidents.png`` (256 px).

Qt does the drawing; the ICO container is written here (a header, one directory entry per size,
PNG images), so no image library is needed.  Run it again after changing the drawing:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.make_icon
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
RED = "#c62828"


def render_png(size: int) -> bytes:
    """The badge drawn at ``size`` × ``size`` pixels, as PNG bytes (a QGuiApplication must exist)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    scale = size / 64  # the window's icon is drawn on 64 px; the same proportions at every size
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(RED))
    margin = max(2 * scale, 0.5)
    painter.drawRoundedRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin),
                            12 * scale, 12 * scale)
    painter.setPen(QColor("white"))
    font = QFont("DejaVu Sans")
    font.setBold(True)
    font.setPixelSize(max(round(40 * scale), 9))
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "И")
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"не удалось записать значок {size}×{size} в PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file of PNG images (supported by Windows since Vista), smallest first."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = images[size]
        dim = size if size < 256 else 0  # 0 means 256 in the directory
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts need it
    images = {size: render_png(size) for size in SIZES}
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    (ICON_DIR / "incidents.ico").write_bytes(ico_bytes(images))
    (ICON_DIR / "incidents.png").write_bytes(images[256])
    print(f"Значок записан: {ICON_DIR / 'incidents.ico'} ({', '.join(map(str, SIZES))} px) "
          f"и {ICON_DIR / 'incidents.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
