"""The channel-choice form: one e-mail checkbox per registered topic. Shapes only; rules live in services."""

from __future__ import annotations

from django import forms

from grassroots.notifications import topics

PREFIX = "email:"


class ChannelForm(forms.Form):
    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for topic in topics.topics():
            self.fields[PREFIX + topic.code] = forms.BooleanField(
                label=topic.label, required=False, initial=current.get(topic.code, topic.default_email)
            )

    def choices(self) -> dict[str, bool]:
        """Every topic's choice as ticked (an unticked box is absent from the POST: e-mail off)."""
        return {name.removeprefix(PREFIX): bool(value) for name, value in self.cleaned_data.items()}
