"""The "find a partner" form: what to match (the member's profile, their team or a need typed in
words), the side to search and the filters. Every field is optional in the query string; `clean`
fills the defaults and names what is missing in words the member can act on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jumelage.directory.models import Institution, Person, Pole, Theme
from jumelage.matching.engine.text import analyse

MAX_NEED_LENGTH = 2000

MATCH_PROFILE, MATCH_TEAM, MATCH_NEED = "profile", "team", "need"
PEOPLE, TEAMS, ALL = "people", "teams", "all"


def other_side(code: str, poles: list[Pole]) -> str:
    """The code of the one pole that is not `code`; "" when `code` is no pole's."""
    others = [p.code for p in poles if p.code != code]
    return others[0] if code and len(others) == 1 and len(poles) == 2 else ""


class PartnerSearchForm(forms.Form):
    MATCH = [(MATCH_PROFILE, _("My profile")), (MATCH_TEAM, _("My team")),
             (MATCH_NEED, _("A need described in words"))]
    KINDS = [(PEOPLE, _("People")), (TEAMS, _("Teams")), (ALL, _("People and teams"))]

    match = forms.ChoiceField(label=_("Find partners for"), choices=MATCH, required=False,
                              widget=forms.RadioSelect)
    need = forms.CharField(
        label=_("Your need"), required=False, strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_NEED_LENGTH}),
        help_text=_("In French or English: a disease, a technique, a population, a "
                    "question."))
    side = forms.ChoiceField(label=_("Search among the members of"), required=False)
    kind = forms.ChoiceField(label=_("Looking for"), choices=KINDS, required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    institution_type = forms.ChoiceField(
        label=_("Type of institution"), required=False,
        choices=[("", _("All types")), *Institution.Type.choices])
    career_stage = forms.ChoiceField(
        label=_("Career stage"), required=False,
        choices=[("", _("All career stages")), *Person.CareerStage.choices])

    def __init__(self, *args, themes: list[Theme], poles: list[Pole], has_profile: bool,
                 profile_side: str, team_side: str | None, own_side: str, **kwargs):
        """`profile_side`: the pole code of the member's directory entry ("" when none);
        `team_side`: their current team's pole code ("" when it has none, None without a
        team); `own_side`: the pole a need is asked from (their entry's, or their staff
        pole's; "" when they have none, and then the form asks for the side to search)."""
        super().__init__(*args, **kwargs)
        self.poles = poles
        self.has_profile, self.profile_side = has_profile, profile_side
        self.team_side, self.own_side = team_side, own_side
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (t.code, t.name) for t in themes]
        self.fields["side"].choices = [("", _("Choose a pole"))] + [
            (p.code, p.short_name) for p in poles]
        # The side is only asked of a member who has no pole: everyone else searches the
        # other side of their own.
        self.asks_side = not other_side(own_side, poles)
        self.fields["match"].initial = self.default_match()

    def default_match(self) -> str:
        return MATCH_PROFILE if other_side(self.profile_side, self.poles) else MATCH_NEED

    def clean_need(self) -> str:
        need = self.cleaned_data["need"]
        if len(need) > MAX_NEED_LENGTH:
            raise forms.ValidationError(
                _("Your need is %(length)s characters long: shorten it to %(limit)s "
                  "characters at most."),
                code="max_length", params={"length": len(need), "limit": MAX_NEED_LENGTH})
        return need

    def clean(self):
        data = super().clean()
        match = data.get("match") or self.default_match()
        data["match"] = match
        data["kind"] = data.get("kind") or (ALL if match == MATCH_TEAM else PEOPLE)
        if match == MATCH_PROFILE:
            if not self.has_profile:
                self.add_error("match", _(
                    "You have no directory profile yet: create it under “My profile”, or "
                    "describe your need in words."))
            elif not other_side(self.profile_side, self.poles):
                self.add_error("match", _(
                    "Your profile names no current institution of either pole, so it has no "
                    "other side: describe your need in words and choose the side to search."))
            else:
                data["target"] = other_side(self.profile_side, self.poles)
        elif match == MATCH_TEAM:
            if self.team_side is None:
                self.add_error("match", _(
                    "Your profile names no current team: choose “My profile”, or describe "
                    "your need in words."))
            elif not other_side(self.team_side, self.poles):
                self.add_error("match", _(
                    "Your team's institution belongs to neither pole, so it has no other "
                    "side: describe your need in words and choose the side to search."))
            else:
                data["target"] = other_side(self.team_side, self.poles)
        else:
            self._clean_need_query(data)
        return data

    def _clean_need_query(self, data: dict) -> None:
        need = data.get("need")
        if "need" in self.errors:
            pass
        elif not need:
            self.add_error("need", _("Describe your need in a few words, in French or "
                                     "English."))
        elif not analyse(need):
            self.add_error("need", _(
                "“%(need)s” has no word to match on, only very short or very common ones: "
                "name a disease, a technique or a population, for example.") % {"need": need})
        if self.asks_side:
            if data.get("side"):
                data["target"] = data["side"]
            else:
                self.add_error("side", _("Choose the pole whose members you are looking for: "
                                         "%(poles)s.") % {"poles": ", ".join(
                                             p.short_name for p in self.poles)})
        else:
            data["target"] = other_side(self.own_side, self.poles)
