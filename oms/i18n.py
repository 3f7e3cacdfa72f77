"""Sentences written once and read in each reader's language.

A timeline entry is written while one person works (in their language) and read later by
others, in theirs. Writers pass a Message instead of a translated string:

    record_event(order, kind, message=Message(gettext_noop("Shipment %(number)s packed."), number=s.number))

The event keeps the text in the writer's language (its `message` column, for search and
exports) and the Message's msgid and parameters in its data; pages show `render(data)`, the
sentence translated into the language of the request. Parameters may themselves be Messages
or lazy translations (a status or role label): they are translated the same way."""

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext

KEY = "msg"  # where an event's data keeps the Message

# Django 6.1's empty choice of a select, which its own Simplified Chinese catalogue lacks: kept
# here so that ours carries the translation.
BLANK_CHOICE = gettext_noop("- Select an option -")


class Message:
    def __init__(self, msgid, **params):
        self.msgid = str(msgid)
        self.params = params

    def as_data(self):
        return {"id": self.msgid, "params": {name: _param(value) for name, value in self.params.items()}}

    def __str__(self):
        return render(self.as_data())


def _param(value):
    if isinstance(value, Message):
        return {KEY: value.as_data()}
    args = getattr(value, "_args", ()) if isinstance(value, Promise) and not getattr(value, "_kw", None) else ()
    if len(args) == 1 and isinstance(args[0], str):
        return {"lazy": args[0]}  # gettext_lazy("Finance"): translated when read
    if len(args) == 2 and all(isinstance(a, str) for a in args):
        return {"lazy": args[1], "context": args[0]}  # pgettext_lazy("parcel tracking", "In transit")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _rendered(value):
    if isinstance(value, dict):
        if KEY in value:
            return render(value[KEY])
        if "lazy" in value:
            return pgettext(value["context"], value["lazy"]) if value.get("context") else gettext(value["lazy"])
    return value


def render(data) -> str:
    """The stored Message in the current language (its English text if the translation does
    not fit its parameters; KeyError or ValueError if neither does)."""
    params = {name: _rendered(value) for name, value in (data.get("params") or {}).items()}
    text = gettext(data["id"])
    if not params:
        if "%(" in data["id"]:
            raise KeyError("the message's parameters are missing")
        return text
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        return data["id"] % params


def event_text(message, data):
    """What a timeline entry says to the reader: its Message in their language, else the
    reasons it lists (a review's hold reasons), each in their language, else the text as it
    was written."""
    if isinstance(data, dict) and isinstance(data.get(KEY), dict):
        try:
            return render(data[KEY])
        except (KeyError, ValueError, TypeError):
            return message
    reasons = data.get("reasons") if isinstance(data, dict) else None
    if isinstance(reasons, list) and reasons and all(isinstance(r, dict) and KEY in r for r in reasons):
        return " ".join(reason_text(r) for r in reasons)
    return message


def reason_text(reason):
    """One stored reason ({"code", "message"} and maybe its Message; or an allocation plan's
    {"reason", ...}) in the reader's language."""
    text = reason.get("message", reason.get("reason", ""))
    return event_text(text, {KEY: reason[KEY]} if isinstance(reason.get(KEY), dict) else {})


class Reasons:
    """Stored reasons (hold or approval reasons) as one text, rendered when it is read: a
    notification body that each recipient gets in their language."""

    def __init__(self, reasons, separator="\n"):
        self.reasons, self.separator = list(reasons), separator

    def __str__(self):
        return self.separator.join(reason_text(r) if isinstance(r, dict) else str(r) for r in self.reasons)


def with_message(message, data):
    """(text in the current language, data carrying the Message) for a writer of events."""
    if isinstance(message, Message):
        return str(message), {**(data or {}), KEY: message.as_data()}
    return str(message), data
