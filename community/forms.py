from django import forms

from community.models import STARS, Review


class ReviewForm(forms.ModelForm):
    """The stars, an optional title and text: what a listener writes."""

    stars = forms.TypedChoiceField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in reversed(STARS)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 to 5 stars."},
    )

    class Meta:
        model = Review
        fields = ["stars", "title", "text"]
        labels = {"text": "Your review (optional, Markdown)", "title": "Title (optional)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
