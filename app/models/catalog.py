"""Reference lists: topics, topic groups, locations, answer templates."""
from __future__ import annotations

from peewee import BooleanField, CharField, ForeignKeyField, TextField

from app.models.base import BaseModel


class TopicGroup(BaseModel):
    name = CharField(max_length=255, unique=True)


class Topic(BaseModel):
    group = ForeignKeyField(TopicGroup, backref="topics", on_delete="RESTRICT")
    name = CharField(max_length=255)
    is_active = BooleanField(default=True)

    class Meta:
        indexes = ((("group", "name"), True),)


class Location(BaseModel):
    """A street, micro-district or settlement the incident is about (clause 10)."""

    name = CharField(max_length=255, unique=True)
    kind = CharField(max_length=32, default="street")


class AnswerTemplate(BaseModel):
    topic = ForeignKeyField(Topic, null=True, backref="templates", on_delete="SET NULL")
    title = CharField(max_length=255)
    text = TextField()
