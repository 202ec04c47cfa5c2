"""The clause-12 application to the ESIA operator as a printable document: HTML for a
``QTextDocument``, saved to PDF with Qt's own ``QPdfWriter`` (no other dependency)."""
from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.services.pages.verification import Application

DOCUMENT_STYLE = """
body { font-family: 'DejaVu Serif', 'Times New Roman', serif; font-size: 12pt; }
h1 { font-size: 15pt; text-align: center; }
p.to { text-align: right; }
table { border-collapse: collapse; }
td, th { border: 1px solid #555; padding: 4px; vertical-align: top; }
th { background: #eee; }
p.missing { color: #b00020; }
"""

#: the resolution a QTextDocument lays text out at when no device is given
LAYOUT_DPI = 96


def application_html(app: Application) -> str:
    """The application as HTML: addressee, the administration's details, the pages, the signature."""
    details = "".join(f"<tr><td width='40%'>{escape(label)}</td><td>{escape(value)}</td></tr>"
                      for label, value in app.details)
    pages = "".join(f"<tr><td>{n}</td><td>{escape(network)}</td><td>{escape(owner)}</td><td>{escape(name)}</td>"
                    f"<td>{escape(url)}</td></tr>" for n, (network, owner, name, url) in enumerate(app.pages, 1))
    organisation = next((value for label, value in app.details if label.startswith("Полное наименование")), "")
    head = next((value for label, value in app.details if label.startswith("Руководитель")), "")
    missing = (f"<p class='missing'>Не заполнено в сведениях об администрации: {escape(', '.join(app.missing))}</p>"
               if app.missing else "")
    return (
        f"<html><head><style>{DOCUMENT_STYLE}</style></head><body>"
        "<p class='to'>Оператору федеральной государственной информационной системы<br>"
        "«Единая система идентификации и аутентификации»</p>"
        f"<h1>{escape(app.title)}</h1>"
        "<p>В соответствии с пунктом 12 Порядка организации работы по созданию и ведению официальных страниц "
        f"в социальных сетях {escape(organisation)} просит присвоить специальную отметку официальным страницам, "
        "перечисленным ниже.</p>"
        f"<h3>Сведения об органе местного самоуправления</h3><table width='100%' cellspacing='0'>{details}</table>"
        f"<h3>Официальные страницы</h3><table width='100%' cellspacing='0'>"
        "<tr><th>№</th><th>Соцсеть</th><th>Владелец</th><th>Название</th><th>Ссылка</th></tr>"
        f"{pages}</table>{missing}"
        f"<p><br>{escape(app.made_on)}</p>"
        f"<p>Руководитель ____________________ {escape(head)}</p>"
        "</body></html>")


def write_pdf(app: Application, path: str | Path) -> Path:
    """Save the application as an A4 PDF at ``path``; returns the path."""
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setTitle(app.title)
    writer.setCreator("Инциденты")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(20, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.setHtml(application_html(app))
    # laid out on the page's printable area at the document's own 96 dpi, so 12 pt is 12 pt on paper
    area = writer.pageLayout().paintRectPixels(LAYOUT_DPI)
    document.setPageSize(QSizeF(area.width(), area.height()))
    document.print_(writer)
    del writer  # the file is finished when the writer goes
    return target
