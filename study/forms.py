from django import forms

from study.models import Rating, StudySettings

KEY_PATTERN = r"^(c[0-9]+-t[0-9]+(-a[0-9]+)?|h[0-9]+)$"


class GradeForm(forms.Form):
    key = forms.RegexField(regex=KEY_PATTERN, max_length=64)
    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)
    version = forms.IntegerField(min_value=0)


class CardActionForm(forms.Form):
    key = forms.RegexField(regex=KEY_PATTERN, max_length=64)
    action = forms.ChoiceField(
        choices=[("suspend", "Suspend"), ("bury", "Bury"), ("reset", "Reset")]
    )


class StudySettingsForm(forms.ModelForm):
    class Meta:
        model = StudySettings
        fields = ["new_per_day", "desired_retention", "study_highlights"]
        labels = {"new_per_day": "New cards a day", "desired_retention": "Target retention"}
