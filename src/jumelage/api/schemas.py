"""What the API returns. Bilingual content in both languages; times as ISO 8601 in UTC and in
the two poles' local times; amounts as decimal strings beside their ISO 4217 currency."""

import datetime as dt
import zoneinfo

from ninja import Schema

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Montréal keeps the time of the America/Toronto zone (America/Montreal is only its alias).
MONTREAL = zoneinfo.ZoneInfo("America/Toronto")


class Moment(Schema):
    utc: str
    paris: str
    montreal: str


def moment(value: dt.datetime | None) -> Moment | None:
    if value is None:
        return None
    return Moment(
        utc=value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        paris=value.astimezone(PARIS).isoformat(),
        montreal=value.astimezone(MONTREAL).isoformat(),
    )


def utc(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class ThemeOut(Schema):
    code: str
    name_fr: str
    name_en: str


class EnvelopeOut(Schema):
    pole: str
    amount: str
    max_request: str
    currency: str
    exchange_rate: str


class CriterionOut(Schema):
    id: int
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    weight: str
    position: int


class CallSummary(Schema):
    id: int
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    status: str
    opens_at: Moment
    closes_at: Moment

    @staticmethod
    def resolve_opens_at(call) -> Moment:
        return moment(call.opens_at)

    @staticmethod
    def resolve_closes_at(call) -> Moment:
        return moment(call.closes_at)


class CallDetail(CallSummary):
    description_fr: str
    description_en: str
    two_stage: bool
    intent_closes_at: Moment | None
    min_duration_months: int
    max_duration_months: int
    consolidation_currency: str
    score_min: int
    score_max: int
    themes: list[ThemeOut]
    envelopes: list[EnvelopeOut]
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_intent_closes_at(call) -> Moment | None:
        return moment(call.intent_closes_at)

    @staticmethod
    def resolve_themes(call) -> list[ThemeOut]:
        return [
            ThemeOut(code=t.code, name_fr=t.name_fr, name_en=t.name_en) for t in call.themes.all()
        ]

    @staticmethod
    def resolve_envelopes(call) -> list[EnvelopeOut]:
        return [
            EnvelopeOut(
                pole=e.pole.code,
                amount=str(e.amount),
                max_request=str(e.max_request),
                currency=e.currency,
                exchange_rate=str(e.exchange_rate),
            )
            for e in call.envelopes.all()
        ]

    @staticmethod
    def resolve_criteria(call) -> list[CriterionOut]:
        return [
            CriterionOut(
                id=c.pk,
                name_fr=c.name_fr,
                name_en=c.name_en,
                description_fr=c.description_fr,
                description_en=c.description_en,
                weight=str(c.weight),
                position=c.position,
            )
            for c in call.criteria.all()
        ]


class CallRef(Schema):
    id: int
    title_fr: str
    title_en: str


class ApplicationSummary(Schema):
    id: int
    reference: str
    title: str
    acronym: str
    stage: str
    status: str
    submitted_at: str | None
    call: CallRef

    @staticmethod
    def resolve_submitted_at(application) -> str | None:
        return utc(application.submitted_at)

    @staticmethod
    def resolve_call(application) -> CallRef:
        call = application.call
        return CallRef(id=call.pk, title_fr=call.title_fr, title_en=call.title_en)


class ParticipantOut(Schema):
    name: str
    role: str
    pole: str | None
    institution: str | None


class BudgetLineOut(Schema):
    pole: str
    category: str
    amount: str
    currency: str


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    pages: int


class ScoreOut(Schema):
    criterion_id: int
    score: int


class ReviewOut(Schema):
    """Staff managing the call see every submitted review in full; a reviewer sees only their
    own; applicants, once the outcome is released, only the comments meant for them, without
    the reviewer's name (the other fields are null)."""

    reviewer: str | None
    status: str | None
    submitted_at: str | None
    scores: list[ScoreOut] | None
    comments_for_applicants: str
    confidential_comments: str | None


class OutcomeOut(Schema):
    outcome: str
    released_at: str | None


class ApplicationDetail(Schema):
    id: int
    reference: str
    call: CallRef
    stage: str
    status: str
    title: str
    acronym: str
    language: str
    abstract: str
    description: str
    keywords: list[str]
    themes: list[str]
    duration_months: int | None
    submitted_at: str | None
    eligibility: str | None
    participants: list[ParticipantOut]
    budget: list[BudgetLineOut]
    attachments: list[AttachmentOut]
    outcome: OutcomeOut | None
    reviews: list[ReviewOut]


class AssignmentOut(Schema):
    application_id: int
    reference: str
    title: str
    call: CallRef
    review_status: str
