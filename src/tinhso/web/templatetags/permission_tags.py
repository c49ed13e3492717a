"""`{% if user|may:"procedures.manage" %}`: what `directory.permissions.can` says, in templates
(to show a link only to those who may follow it; the view checks again)."""

from typing import Any

from django import template

from tinhso.directory.permissions import Action, can

register = template.Library()


@register.filter
def may(user: Any, action: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and can(user, Action(action))
