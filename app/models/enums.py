"""Codes stored in the database, with their Russian names for display.

The codes are English (the glossary in design.md), the labels are what users read.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CURATOR = "curator"
    EXECUTOR = "executor"
    RESPONSIBLE = "responsible"
    HEAD = "head"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CURATOR: "Куратор",
    Role.EXECUTOR: "Исполнитель",
    Role.RESPONSIBLE: "Ответственное должностное лицо",
    Role.HEAD: "Глава",
    Role.ADMIN: "Администратор",
}


class UnitKind(StrEnum):
    DEPARTMENT = "department"
    INSTITUTION = "institution"


UNIT_KIND_LABELS = {UnitKind.DEPARTMENT: "Отдел", UnitKind.INSTITUTION: "Подведомственное учреждение"}


class Network(StrEnum):
    VK = "vk"
    OK = "ok"
    TELEGRAM = "telegram"


NETWORK_LABELS = {Network.VK: "ВКонтакте", Network.OK: "Одноклассники", Network.TELEGRAM: "Telegram"}


class IncidentKind(StrEnum):
    INCIDENT = "incident"
    PUBLICATION = "publication"


INCIDENT_KIND_LABELS = {IncidentKind.INCIDENT: "Инцидент", IncidentKind.PUBLICATION: "Публикация в соцсетях"}


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


PRIORITY_LABELS = {Priority.NORMAL: "Обычный", Priority.HIGH: "Повышенной важности"}


class IncidentStatus(StrEnum):
    NEW = "new"                      # registered, waiting for triage (clause 10)
    ROUTED = "routed"                # sent to unit(s), executors work on it
    CLARIFICATION = "clarification"  # a clarification request is posted, the author's reply awaited (13)
    ON_APPROVAL = "on_approval"      # a draft waits for the curator (clause 14)
    RETURNED = "returned"            # the draft went back for revision (clause 15)
    APPROVED = "approved"            # approved, waiting for publication (clause 16)
    INTERIM = "interim"              # an interim answer is published, final due (clause 18)
    ANSWERED = "answered"            # the (final) answer is published
    NO_ANSWER = "no_answer"          # closed without an answer (clause 21)


STATUS_LABELS = {
    IncidentStatus.NEW: "Новый",
    IncidentStatus.ROUTED: "В работе",
    IncidentStatus.CLARIFICATION: "Ждёт ответа автора",
    IncidentStatus.ON_APPROVAL: "На согласовании",
    IncidentStatus.RETURNED: "На доработке",
    IncidentStatus.APPROVED: "К размещению",
    IncidentStatus.INTERIM: "Промежуточный ответ",
    IncidentStatus.ANSWERED: "Ответ размещён",
    IncidentStatus.NO_ANSWER: "Без ответа",
}

OPEN_STATUSES = frozenset(set(IncidentStatus) - {IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER})


class AssignmentState(StrEnum):
    ASSIGNED = "assigned"
    NOT_COMPETENT = "not_competent"  # clause 11 notice sent to the curator
    CONTRIBUTED = "contributed"      # clause 19: information for the consolidated answer sent
    ON_APPROVAL = "on_approval"
    RETURNED = "returned"
    APPROVED = "approved"
    DONE = "done"
    CANCELLED = "cancelled"


class AnswerKind(StrEnum):
    DRAFT = "draft"
    INTERIM = "interim"
    FINAL = "final"
    CONSOLIDATED = "consolidated"
    CONTRIBUTION = "contribution"
    #: clause 13: a public question to the incident's author, approved and posted like an answer
    REQUEST = "request"


#: kinds that answer the incident (not a contribution to another unit's answer, not a request)
ANSWERING_KINDS = frozenset({AnswerKind.DRAFT, AnswerKind.INTERIM, AnswerKind.FINAL, AnswerKind.CONSOLIDATED})

ANSWER_KIND_LABELS = {
    AnswerKind.DRAFT: "Проект ответа",
    AnswerKind.INTERIM: "Промежуточный ответ",
    AnswerKind.FINAL: "Окончательный ответ",
    AnswerKind.CONSOLIDATED: "Сводный ответ",
    AnswerKind.CONTRIBUTION: "Информация для сводного ответа",
    AnswerKind.REQUEST: "Запрос (уточнение) автору",
}


class RequestState(StrEnum):
    """Where the incident's clarification request (clause 13) is now; none when there is none."""

    SUBMITTED = "submitted"   # waits for the curator (clause 14)
    RETURNED = "returned"     # returned for revision (clause 15)
    APPROVED = "approved"     # to be posted in the network (clause 16)
    WAITING = "waiting"       # posted; the author's reply is awaited


REQUEST_STATE_LABELS = {
    RequestState.SUBMITTED: "запрос на согласовании",
    RequestState.RETURNED: "запрос на доработке",
    RequestState.APPROVED: "запрос к размещению",
    RequestState.WAITING: "ждёт ответа автора",
}


class AnswerState(StrEnum):
    EDITING = "editing"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"


class ReturnReason(StrEnum):
    """The four reasons of clause 14."""

    OFF_QUESTION = "off_question"
    CLAUSE_20 = "clause_20"
    REDIRECTION = "redirection"
    SPELLING = "spelling"


RETURN_REASON_LABELS = {
    ReturnReason.OFF_QUESTION: "Несоответствие сути вопроса, содержащегося в инциденте",
    ReturnReason.CLAUSE_20: "Несоответствие условиям пункта 20 Порядка",
    ReturnReason.REDIRECTION: "Переадресация в другое подведомственное учреждение",
    ReturnReason.SPELLING: "Орфографические и пунктуационные ошибки",
}


class NoAnswerReason(StrEnum):
    """Why an incident is closed without an answer.

    The first four are exactly the grounds of clause 21. «Not about the administration» is not
    one of them: such a message is not an incident at all (clause 2), and it is closed and
    reported on its own line.
    """

    HARM_INTENT = "harm_intent"
    OBSCENE = "obscene"
    INSULT = "insult"
    THREAT = "threat"
    NOT_ABOUT_ADMINISTRATION = "not_about_administration"


#: the grounds of clause 21, in the order of its text
CLAUSE21_REASONS = (NoAnswerReason.HARM_INTENT, NoAnswerReason.OBSCENE, NoAnswerReason.INSULT,
                    NoAnswerReason.THREAT)

NO_ANSWER_REASON_LABELS = {
    NoAnswerReason.HARM_INTENT: "Намерение причинить вред другому лицу (п. 21)",
    NoAnswerReason.OBSCENE: "Нецензурные выражения (п. 21)",
    NoAnswerReason.INSULT: "Оскорбительные выражения (п. 21)",
    NoAnswerReason.THREAT: "Угрозы жизни, здоровью, имуществу должностного лица или членам его семьи (п. 21)",
    NoAnswerReason.NOT_ABOUT_ADMINISTRATION: "Не касается деятельности администрации — не инцидент (п. 2)",
}


class AbsenceKind(StrEnum):
    SICK = "sick"
    VACATION = "vacation"
    TRIP = "trip"
    STUDY = "study"
    OTHER = "other"


ABSENCE_KIND_LABELS = {
    AbsenceKind.SICK: "Болезнь",
    AbsenceKind.VACATION: "Отпуск",
    AbsenceKind.TRIP: "Командировка",
    AbsenceKind.STUDY: "Учёба",
    AbsenceKind.OTHER: "Иная причина",
}


class CommentKind(StrEnum):
    COMMENT = "comment"                  # a note or a plain question on the card (no regulated clock)
    LEGACY_QUESTION = "legacy_question"  # before schema 6: an executor's question to the curator
    LEGACY_REPLY = "legacy_reply"        # before schema 6: the curator's reply to it
    SYSTEM = "system"                    # written by the program (an upgrade that changed the incident)


COMMENT_KIND_LABELS = {
    CommentKind.COMMENT: "Комментарий",
    CommentKind.LEGACY_QUESTION: "Вопрос куратору (до обновления программы)",
    CommentKind.LEGACY_REPLY: "Ответ куратора (до обновления программы)",
    CommentKind.SYSTEM: "Запись программы",
}


class CalendarDayKind(StrEnum):
    WORKING = "working"
    SHORTENED = "shortened"
    NON_WORKING = "non_working"


class PageOwner(StrEnum):
    ADMINISTRATION = "administration"
    HEAD = "head"


class VerificationState(StrEnum):
    """Appendix 1, clauses 11–13: the special mark («госметка»)."""

    NONE = "none"
    ESIA = "esia"             # clause 11: applied for through the administration's ESIA account
    REQUESTED = "requested"   # clause 12: an application to the ESIA operator
    VERIFIED = "verified"
    REMOVED = "removed"       # clause 13: removed after a change of name etc.
    RECONFIRM = "reconfirm"   # clause 13: the name changed in the settings, the mark is to be confirmed again


VERIFICATION_STATE_LABELS = {
    VerificationState.NONE: "Отметки нет",
    VerificationState.ESIA: "Подана через ЕСИА (п. 11)",
    VerificationState.REQUESTED: "Заявка оператору ЕСИА (п. 12)",
    VerificationState.VERIFIED: "Отметка присвоена (п. 11)",
    VerificationState.REMOVED: "Отметка удалена (п. 13)",
    VerificationState.RECONFIRM: "Требует повторного подтверждения (п. 13)",
}

PAGE_OWNER_LABELS = {PageOwner.ADMINISTRATION: "Администрация", PageOwner.HEAD: "Глава"}


class PublicationFormat(StrEnum):
    """Appendix 1, clause 8: the formats of a publication."""

    TEXT = "text"
    PHOTO = "photo"
    INFOGRAPHIC = "infographic"
    VIDEO = "video"
    STREAM = "stream"
    POLL = "poll"


PUBLICATION_FORMAT_LABELS = {
    PublicationFormat.TEXT: "Текст",
    PublicationFormat.PHOTO: "Фото",
    PublicationFormat.INFOGRAPHIC: "Инфографика",
    PublicationFormat.VIDEO: "Видео",
    PublicationFormat.STREAM: "Прямой эфир",
    PublicationFormat.POLL: "Опрос",
}


class ModerationAction(StrEnum):
    DELETED = "deleted"
    BLACKLISTED = "blacklisted"


class ModerationReason(StrEnum):
    LAW = "law"
    SPAM = "spam"
    INSULT = "insult"
    OBSCENE = "obscene"


MODERATION_REASON_LABELS = {
    ModerationReason.LAW: "Нарушение законодательства",
    ModerationReason.SPAM: "Спам-рассылка",
    ModerationReason.INSULT: "Оскорбления",
    ModerationReason.OBSCENE: "Нецензурные выражения",
}
