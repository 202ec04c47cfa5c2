"""Answer templates the administrator keeps per topic (clause 20: the social-network format).

The answer editor offers them next to its built-in openings and closings. No Qt here.
"""
from __future__ import annotations

from app.models import AnswerTemplate
from app.services import validation
from app.services.errors import ValidationError


def list_templates(topic_id: int | None) -> list[tuple[str, str]]:
    """``(title, text)`` of the templates for ``topic_id`` first, then the general ones.

    A general template has no topic; with ``topic_id=None`` only the general ones are returned.
    """
    query = AnswerTemplate.select(AnswerTemplate.title, AnswerTemplate.text, AnswerTemplate.topic)
    if topic_id is None:
        query = query.where(AnswerTemplate.topic.is_null())
    else:
        query = query.where((AnswerTemplate.topic == topic_id) | AnswerTemplate.topic.is_null())
    rows = list(query.order_by(AnswerTemplate.title, AnswerTemplate.id))
    rows.sort(key=lambda t: t.topic_id is None)  # the topic's own first; sort is stable
    return [(t.title, t.text) for t in rows]


def create_template(title: str, text: str, topic_id: int | None = None) -> int:
    """Store a template (for the administrator's screen and tests); returns its id."""
    if not (isinstance(title, str) and title.strip() and isinstance(text, str) and text.strip()):
        raise ValidationError("Укажите название и текст шаблона")
    title = validation.text(title, "Название шаблона", limit=validation.MAX_TEXT)[:validation.MAX_LINE]
    text = validation.text(text, "Текст шаблона")
    return AnswerTemplate.create(title=title, text=text, topic=topic_id).id
