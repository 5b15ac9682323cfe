"""A demo review exercise: fictional joint projects, a pool of demo reviewers from both poles,
and the solver's assignment, so that a newcomer sees the assignment pages filled in.

Idempotent: the exercise is found by its title; a second run adds and changes nothing. The
projects are fictional (titles and summaries written here); their applicants and the reviewers
are the demo's fictional people at the real member institutions.
"""

from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.directory.models import Person
from jumelage.matching.models import PoolMember, ReviewExercise
from jumelage.matching.selectors import people_with_context, side_of

TITLE = "Appel conjoint 2027 (démo) / Joint call 2027 (demo)"


@dataclass(frozen=True)
class DemoProject:
    reference: str
    title: str
    text: str
    keywords: tuple[str, ...]


PROJECTS = [
    DemoProject("DEMO-01", "Lymphocytes CAR-T de nouvelle génération contre les lymphomes "
                "réfractaires", "Nous comparerons deux constructions de récepteurs chimériques "
                "dans des lymphomes B réfractaires et suivrons la persistance des lymphocytes "
                "CAR-T chez les patients des deux régions.",
                ("lymphocytes CAR-T", "lymphome")),
    DemoProject("DEMO-02", "Liquid biopsy for early relapse in colorectal cancer",
                "Circulating tumour DNA sequenced at high depth after surgery to predict "
                "relapse of colorectal cancer, in two cohorts in Lyon and Montréal.",
                ("liquid biopsy", "colorectal cancer", "high-throughput sequencing")),
    DemoProject("DEMO-03", "Parcours de soins en oncogériatrie : comparer deux systèmes de "
                "santé", "Étude mixte des parcours de soins des patients âgés atteints de "
                "cancer en Auvergne-Rhône-Alpes et au Québec : délais, qualité de vie, "
                "soins de soutien.", ("oncogériatrie", "parcours de soins", "qualité de vie")),
    DemoProject("DEMO-04", "NK cell therapy in acute myeloid leukaemia",
                "Allogeneic NK cells expanded ex vivo after haematopoietic stem cell "
                "transplantation for acute myeloid leukaemia: a two-site phase I trial.",
                ("NK cells", "leukaemia", "stem cell transplantation")),
    DemoProject("DEMO-05", "Hétérogénéité tumorale et résistance aux thérapies ciblées dans "
                "le cancer du poumon", "Séquençage en cellule unique de biopsies avant et "
                "après traitement pour décrire l'hétérogénéité tumorale et la résistance aux "
                "thérapies ciblées.", ("hétérogénéité tumorale", "cancer du poumon",
                                      "thérapies ciblées")),
    DemoProject("DEMO-06", "Patient-reported outcomes in palliative care at home",
                "A shared set of patient-reported outcomes for palliative care at home, "
                "validated in French in both regions, and its use by care teams.",
                ("patient-reported outcomes", "palliative care")),
    DemoProject("DEMO-07", "Épigénétique des glioblastomes de l'enfant",
                "Cartographie épigénétique des glioblastomes pédiatriques et recherche de "
                "biomarqueurs de réponse, à partir des biobanques des deux pôles.",
                ("épigénétique", "glioblastome", "cancers pédiatriques", "biomarqueurs")),
    DemoProject("DEMO-08", "Tumour microenvironment and immunotherapy in melanoma",
                "Spatial profiling of the tumour microenvironment of melanoma to explain "
                "resistance to immunotherapy with checkpoint inhibitors.",
                ("tumour microenvironment", "immunotherapy", "melanoma")),
    DemoProject("DEMO-09", "Équité en santé et dépistage du cancer du sein",
                "Comparer l'accès au dépistage du cancer du sein selon le revenu et le lieu de "
                "vie, en France et au Québec, et tester une intervention de navigation.",
                ("équité en santé", "cancer du sein")),
    DemoProject("DEMO-10", "Pharmacogenomics of multiple myeloma treatments",
                "Germline variants that predict toxicity of multiple myeloma treatments, "
                "from pooled cohorts and bioinformatics pipelines shared by both poles.",
                ("pharmacogenomics", "multiple myeloma", "bioinformatics")),
]
# Leads of a joint project hold a position a call accepts (see jumelage.calls eligibility).
SENIOR = (Person.CareerStage.ESTABLISHED, Person.CareerStage.CLINICIAN,
          Person.CareerStage.EARLY)
POOL_SIZE = 16  # reviewers, half from each pole
REVIEWERS_PER_ITEM = 3
MAX_LOAD = 3


@dataclass
class DemoExerciseReport:
    created: bool
    items: int
    reviewers: int
    assigned: int


def _applicants(people: list[Person], project: DemoProject, used: set[int]) -> list[Person]:
    """One lead per side: the unused person whose keywords share most with the project."""
    leads = []
    words = {k.casefold() for k in project.keywords}
    for side in ("clara", "oncopole"):
        candidates = [p for p in people if p.pk not in used and side_of(p) == side
                      and p.career_stage in SENIOR]
        best = max(candidates, key=lambda p: (len(words & {k.casefold() for k in p.keywords}),
                                              -p.pk))
        used.add(best.pk)
        leads.append(best)
    return leads


def seed_review_exercise(*, stdout: TextIO | None = None) -> DemoExerciseReport:
    from jumelage.matching.services import run_assignment

    existing = ReviewExercise.objects.filter(title=TITLE).first()
    if existing is not None:
        report = DemoExerciseReport(False, existing.items.count(), existing.pool.count(),
                                    sum(item.assignments.count()
                                        for item in existing.items.all()))
    else:
        with transaction.atomic():
            report = _create()
        if report.items:
            outcome = run_assignment(exercise=ReviewExercise.objects.get(title=TITLE),
                                     actor=None)
            report.assigned = outcome.added
    if stdout is not None:
        stdout.write(_("Demo review exercise: %(items)d projects, %(reviewers)d reviewers, "
                       "%(assigned)d assignments.") % {
            "items": report.items, "reviewers": report.reviewers,
            "assigned": report.assigned})
    return report


def _create() -> DemoExerciseReport:
    people = [p for p in people_with_context(
        Person.objects.filter(user__isnull=True).exclude(keywords=[]).values_list(
            "pk", flat=True)) if p.current_affiliations]
    if not people:
        return DemoExerciseReport(True, 0, 0, 0)
    exercise = ReviewExercise.objects.create(
        title=TITLE, kind=ReviewExercise.Kind.CALL, reviewers_per_item=REVIEWERS_PER_ITEM,
        max_load=MAX_LOAD, balance=ReviewExercise.Balance.EACH_POLE)
    used: set[int] = set()
    project_institutions: list[set[int]] = []
    for project in PROJECTS:
        item = exercise.items.create(reference=project.reference, title=project.title,
                                     text=project.text, keywords=list(project.keywords))
        leads = _applicants(people, project, used)
        item.people.add(*leads)
        institutions = {a.institution_id for p in leads for a in p.current_affiliations}
        project_institutions.append(institutions)
        item.institutions.add(*institutions)
        item.teams.add(*{a.team_id for p in leads for a in p.current_affiliations
                         if a.team_id})
    def clashes(person: Person) -> int:
        """Projects sharing an institution with the person: a pool of the few people who
        work everywhere would leave some projects without a reviewer from one pole."""
        mine = {a.institution_id for a in person.current_affiliations}
        return sum(1 for theirs in project_institutions if mine & theirs)

    reviewers = []
    for side in ("clara", "oncopole"):
        senior = [p for p in people if p.pk not in used and side_of(p) == side
                  and p.career_stage in SENIOR]
        reviewers += sorted(senior, key=lambda p: (clashes(p), p.pk))[:POOL_SIZE // 2]
    PoolMember.objects.bulk_create(PoolMember(exercise=exercise, person=p) for p in reviewers)
    return DemoExerciseReport(True, len(PROJECTS), len(reviewers), 0)
