"""Django's makemessages, also collecting `_t(...)`: the report definitions import gettext as
_t because `_` names values they throw away."""

from django.core.management.commands.makemessages import Command as MakeMessages


class Command(MakeMessages):
    xgettext_options = [*MakeMessages.xgettext_options, "--keyword=_t"]
