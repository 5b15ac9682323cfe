"""The affiliation review queue: who sees it, what it lists, and what a correction changes.

The store is the CORPUS of the indicator tests (where the Crossref record's "Hospices Civils de
Lyon, France" is left unresolved) with two more works: W6 (2022), the same Lyon string with a
Montréal author, which becomes a co-publication once the string is corrected, and W7 (2022),
a Montréal hospital the directory does not know.
"""

import ibis
import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from jumelage.core.models import AuditEntry
from jumelage.observatory import review_selectors, services
from jumelage.observatory.engine import index
from jumelage.observatory.engine.indicators import Scope, compute
from jumelage.observatory.engine.matching import Matcher, Registry
from jumelage.observatory.engine.store import Store
from jumelage.observatory.models import AffiliationCorrection
from tests.factories import InstitutionFactory, PoleFactory, UserFactory, oncopole
from tests.observatory.conftest import (
    CHUM,
    CLB,
    CORPUS,
    HCL,
    INSTITUTIONS,
    MCGILL,
    UDEM,
    aff,
    author,
    fill_store,
    work,
)

pytestmark = pytest.mark.django_db

LYON = "Hospices Civils de Lyon, France"  # unresolved in the CORPUS; W2 (Crossref) and W6
LYON_SHORT = "Hospices Civils"  # W6: the matcher sees HCL but nothing corroborates it
ROSEMONT = "Hôpital Maisonneuve-Rosemont, Montréal, QC H1T 2M4"  # W7: not in the directory
TORONTO = "University of Toronto, Canada"  # W3: not in the directory
MORE_WORKS = [
    work("crossref", "10.1000/w6", 2022,
         author(1, "Inès Faure", aff(LYON), aff(LYON_SHORT)),
         author(2, "Jade Lavoie", aff("CHUM, Montréal, QC, Canada")),
         doi="10.1000/w6"),
    work("crossref", "10.1000/w7", 2022, author(1, "Karim Haddad", aff(ROSEMONT)),
         doi="10.1000/w7"),
]
QUEUE_URL = "/en/observatory/review/"
CORRECT_URL = "/en/observatory/review/correct/"
CORRECTIONS_URL = "/en/observatory/review/corrections/"


def build_store(path, *, extra=()) -> None:
    """The store as `observatory index` leaves it (no theme rules), then closed (the pages
    open it read-only)."""
    fill_store(path, {**CORPUS, "crossref": [*CORPUS["crossref"], *MORE_WORKS, *extra]},
               theme_rules=[])


@pytest.fixture
def store_path(tmp_path, settings):
    path = tmp_path / "observatory.duckdb"
    build_store(path)
    settings.JUMELAGE_OBSERVATORY_DB = path
    return path


@pytest.fixture(autouse=True)
def _fresh_caches():
    review_selectors.clear_registry_cache()
    review_selectors.clear_queue_cache()
    yield
    review_selectors.clear_registry_cache()
    review_selectors.clear_queue_cache()


def make_directory() -> dict:
    """The CORPUS's institutions in the directory, as `import_ror` would leave them, and one
    laboratory without a ROR id."""
    clara, quebec = PoleFactory(), oncopole()
    made = {}
    for ror_id, name, acronym, city, country, pole in [
            (CLB, "Centre Léon Bérard", "CLB", "Lyon", "FR", clara),
            (HCL, "Hospices Civils de Lyon", "HCL", "Lyon", "FR", clara),
            (CHUM, "Centre hospitalier de l’Université de Montréal", "CHUM", "Montréal", "CA",
             quebec),
            (UDEM, "Université de Montréal", "UdeM", "Montréal", "CA", quebec),
            (MCGILL, "McGill University", "", "Montréal", "CA", quebec)]:
        made[ror_id] = InstitutionFactory(
            name_fr=name, name_en=name, acronym=acronym, ror_id=ror_id, city=city,
            country=country, pole=pole,
            region="Auvergne-Rhône-Alpes" if country == "FR" else "Québec")
    made[CHUM].parents.add(made[UDEM])
    made["no-ror"] = InstitutionFactory(name_fr="Laboratoire sans ROR",
                                        name_en="Laboratoire sans ROR", ror_id=None)
    return made


@pytest.fixture
def directory():
    return make_directory()


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def staff():
    return _with_totp(UserFactory(email="gestion@clara.example.org", first_name="Lucie",
                                  last_name="Moreau", role="pole_staff", pole=PoleFactory()))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def report(path):
    with Store(path) as store:
        return compute(ibis.duckdb.from_connection(store.con), Scope())


# --- permissions ----------------------------------------------------------------------------

def test_queue_redirects_anonymous_visitors_to_sign_in(client, store_path, directory):
    response = client.get(QUEUE_URL)
    assert (response.status_code, response["Location"]) == (
        302, "/en/accounts/login/?next=/en/observatory/review/")


@pytest.mark.parametrize("url", [QUEUE_URL, f"{CORRECT_URL}?raw=Hospices+Civils",
                                 CORRECTIONS_URL])
def test_review_pages_are_refused_to_researchers(client, store_path, directory, url):
    services.correct_affiliation(raw=TORONTO, institution=None, actor=None)
    client.force_login(UserFactory(role="researcher"))
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 403
    assert (LYON_SHORT in body, "Hospices Civils" in body, "Toronto" in body) == (
        False, False, False)


def test_researcher_cannot_correct_a_string(client, store_path, directory):
    client.force_login(UserFactory(role="researcher"))
    response = client.post(CORRECT_URL, {"raw": LYON, "institution": "none"})
    assert (response.status_code, AffiliationCorrection.objects.count()) == (403, 0)


@pytest.mark.parametrize("role", ["pole_staff", "site_admin"])
def test_queue_lists_the_strings_for_pole_staff_and_site_admins(client, store_path, directory,
                                                                role):
    user = _with_totp(UserFactory(role=role, pole=PoleFactory() if role == "pole_staff"
                                  else None))
    client.force_login(user)
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    assert [(i["raw"], i["works"]) for i in response.context["items"]] == [
        (LYON, 2), (LYON_SHORT, 1), (ROSEMONT, 1), (TORONTO, 1)]


# --- the queue ------------------------------------------------------------------------------

def test_queue_shows_counts_countries_and_the_matchers_candidates(staff_client, store_path,
                                                                  directory):
    items = staff_client.get(QUEUE_URL).context["items"]
    summary = [(i["raw"], i["works"], i["countries"], i["why"],
                [(p["institution"].ror_id, p["score"], p["why"]) for p in i["proposals"]])
               for i in items]
    assert summary == [
        # Resolved from the store's point of view only: today's directory has the name.
        (LYON, 2, [("FR", "France")], "",
         [(HCL, 0.99, "found by the matcher with today’s directory")]),
        (LYON_SHORT, 1, [], "an acronym, a short or a generic name that no city or country "
                            "confirms",
         [(HCL, 0.78, "an acronym, a short or a generic name that no city or country "
                      "confirms")]),
        (ROSEMONT, 1, [("CA", "Canada")], "no name of the registry found in the affiliation",
         []),
        (TORONTO, 1, [("CA", "Canada")], "no name of the registry found in the affiliation",
         []),
    ]


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "hopital montreal"}, [ROSEMONT]),  # accents aside
    ({"q": "HOSPICES"}, [LYON, LYON_SHORT]),
    ({"country": "ca"}, [ROSEMONT, TORONTO]),
    ({"country": "FR", "q": "civils"}, [LYON]),
    ({"q": "lyon", "country": "CA"}, []),
])
def test_queue_filters_by_words_and_country(staff_client, store_path, directory, params,
                                            expected):
    response = staff_client.get(QUEUE_URL, params)
    assert [i["raw"] for i in response.context["items"]] == expected


def test_queue_with_a_bad_country_code_names_it_and_keeps_the_words(staff_client, store_path,
                                                                     directory):
    response = staff_client.get(QUEUE_URL, {"q": "hospices", "country": "FRA"})
    assert response.context["form"].errors == {
        "country": ["“FRA” is not a country code: type two letters, such as FR or CA."]}
    assert [i["raw"] for i in response.context["items"]] == [LYON, LYON_SHORT]
    assert 'value="hospices"' in response.content.decode()


def test_queue_leaves_out_corrected_strings_whatever_their_spacing(staff_client, store_path,
                                                                   directory, staff):
    services.correct_affiliation(raw="  university of  TORONTO, canada.", institution=None,
                                 actor=staff)
    items = staff_client.get(QUEUE_URL).context["items"]
    assert [i["raw"] for i in items] == [LYON, LYON_SHORT, ROSEMONT]


def test_queue_explains_a_store_not_indexed_yet(staff_client, tmp_path, settings, directory):
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "absent.duckdb"
    response = staff_client.get(QUEUE_URL)
    assert response.context["problem"] == (
        "The observatory has no data yet: load publications with `jumelage observatory "
        "ingest`, then run `jumelage observatory index`.")
    assert response.context["items"] == []


def test_queue_explains_a_store_being_written(staff_client, store_path, directory):
    with Store(store_path):  # as `jumelage observatory index` holds it
        response = staff_client.get(QUEUE_URL)
    assert response.context["problem"] == (
        "The observatory’s data are being updated (`jumelage observatory` is running): try "
        "again in a few minutes.")


def test_queue_read_before_is_served_while_the_store_is_written(staff_client, store_path,
                                                                directory, staff):
    staff_client.get(QUEUE_URL)
    services.correct_affiliation(raw=TORONTO, institution=None, actor=staff)
    with Store(store_path) as store:
        store.con.execute("INSERT INTO resolutions (raw, ror_id, confidence, method) "
                          "VALUES ('x', NULL, 0.0, 'abstained')")
        response = staff_client.get(QUEUE_URL)
    assert (response.context["problem"], [i["raw"] for i in response.context["items"]]) == (
        "", [LYON, LYON_SHORT, ROSEMONT])


def test_queue_page_query_count_does_not_grow_with_strings(
        staff_client, tmp_path, settings, directory, django_assert_num_queries):
    # 25 more strings with a candidate each: the page shows 20 of 29.
    extra = [work("crossref", f"10.1000/x{n}", 2023,
                  author(1, "Léa Roy", aff(f"Hospices Civils, Service {n}, Lyon")))
             for n in range(25)]
    path = tmp_path / "big.duckdb"
    build_store(path, extra=extra)
    settings.JUMELAGE_OBSERVATORY_DB = path
    # session, user, second factor, corrections, registry fingerprint, registry (institutions
    # and their parents), corrections for the matcher, the candidates' institutions, and the
    # menu's two permission look-ups
    with django_assert_num_queries(11):
        response = staff_client.get(QUEUE_URL)
    assert (response.context["page"].paginator.count, len(response.context["items"])) == (29, 20)
    assert all(i["proposals"][0]["institution"].ror_id == HCL
               for i in response.context["items"])
    with django_assert_num_queries(9):  # the registry is reused
        staff_client.get(QUEUE_URL, {"page": 2})


# --- correcting -----------------------------------------------------------------------------

def test_correction_is_stored_and_audited_with_its_diff(staff_client, store_path, directory,
                                                        staff):
    hcl = directory[HCL]
    response = staff_client.post(CORRECT_URL, {
        "raw": LYON_SHORT, "institution": str(hcl.pk), "note": "service de cancérologie",
        "next": "/en/observatory/review/?q=hospices"})
    assert (response.status_code, response["Location"]) == (
        302, "/en/observatory/review/?q=hospices")
    correction = AffiliationCorrection.objects.get()
    assert (correction.raw, correction.key, correction.ror_id, correction.institution,
            correction.note, correction.created_by) == (
        LYON_SHORT, "hospices civils", HCL, hcl, "service de cancérologie", staff)
    entry = AuditEntry.objects.get(action="observatory.correction.create")
    assert (entry.actor, entry.object_id, entry.changes) == (staff, str(correction.pk), {
        "raw": [None, LYON_SHORT], "ror_id": [None, HCL], "institution": [None, hcl.pk],
        "note": [None, "service de cancérologie"]})
    followed = staff_client.get(response["Location"])
    assert [str(m) for m in followed.context["messages"]] == [
        "“Hospices Civils” is attributed to Hospices Civils de Lyon (ROR 01502ca60). The "
        "indicators count it from the next indexing of the observatory."]
    assert [i["raw"] for i in followed.context["items"]] == [LYON]


def test_same_decision_again_changes_nothing(store_path, directory, staff):
    first = services.correct_affiliation(raw=LYON_SHORT, institution=directory[HCL],
                                         actor=staff)
    again = services.correct_affiliation(raw="hospices  CIVILS ", institution=directory[HCL],
                                         actor=staff)
    assert (again.pk, again.raw, AffiliationCorrection.objects.count()) == (
        first.pk, LYON_SHORT, 1)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "observatory.correction.create"]


def test_new_decision_replaces_the_old_one_and_audits_the_change(store_path, directory, staff):
    first = services.correct_affiliation(raw=LYON_SHORT, institution=directory[HCL],
                                         actor=staff)
    services.correct_affiliation(raw=LYON_SHORT, institution=None, actor=staff,
                                 note="multi-site address")
    first.refresh_from_db()
    assert (first.ror_id, first.institution, first.note) == (None, None, "multi-site address")
    entry = AuditEntry.objects.get(action="observatory.correction.update")
    assert entry.changes == {"ror_id": [HCL, None], "institution": [directory[HCL].pk, None],
                             "note": ["", "multi-site address"]}


def test_correction_is_remembered_by_the_next_matcher(store_path, directory, staff):
    written = "Hosp Civils Lyon, France"
    before = Matcher(Registry(INSTITUTIONS))
    assert (before.match(written).ror_id, before.match(written).reason) == (None, "no-candidate")
    services.correct_affiliation(raw=written, institution=directory[HCL], actor=staff)

    assert review_selectors.corrections_for_matcher() == {"hosp civils lyon, france": HCL}
    after = Matcher(Registry(INSTITUTIONS), corrections=review_selectors.corrections_for_matcher())
    match = after.match("  HOSP civils   lyon,  France ")
    assert (match.ror_id, match.confidence, match.reason) == (HCL, 1.0, "correction")


def test_no_institution_is_remembered_as_an_abstention(store_path, directory, staff):
    services.correct_affiliation(raw=TORONTO, institution=None, actor=staff)
    matcher = Matcher(Registry(INSTITUTIONS),
                      corrections=review_selectors.corrections_for_matcher())
    match = matcher.match("University of Toronto,  CANADA")
    assert (match.ror_id, match.reason, matcher.match_all(TORONTO)) == (None, "correction", [])


def test_corrections_reach_the_store_and_the_report_counts_the_copublication(
        store_path, directory, staff):
    before = report(store_path)
    assert (before.copublications, before.unresolved_affiliations) == (3, 4)
    services.correct_affiliation(raw=LYON, institution=directory[HCL], actor=staff)
    services.correct_affiliation(raw=TORONTO, institution=None, actor=staff)

    with Store(store_path) as store:
        assert services.apply_corrections_to_store(store=store) == 2
        rows = store.con.execute("""SELECT raw, ror_id, confidence, method FROM resolutions
                                    WHERE method = 'correction' ORDER BY raw""").fetchall()
    assert rows == [(LYON, HCL, 1.0, "correction"), (TORONTO, None, 1.0, "correction")]
    after = report(store_path)
    # W6 (2022) now has Lyon (HCL) on one side and the CHUM on the other.
    assert (after.copublications, after.copublications_by_year) == (
        4, {"2019": 1, "2020": 1, "2021": 1, "2022": 1})
    assert after.institution_pairs == [
        {"a": CLB, "b": CHUM, "count": 2},
        {"a": HCL, "b": MCGILL, "count": 1},
        {"a": HCL, "b": CHUM, "count": 1},
        {"a": CLB, "b": UDEM, "count": 1},
    ]
    assert after.unresolved_affiliations == 3  # LYON_SHORT, ROSEMONT, and Toronto (no ROR)
    assert review_selectors.review_queue(path=store_path) == [
        review_selectors.QueueEntry(raw=LYON_SHORT, works=1),
        review_selectors.QueueEntry(raw=ROSEMONT, works=1, countries=("CA",))]


def test_applying_twice_gives_the_same_store_and_an_undo_is_taken_back(store_path, directory,
                                                                      staff):
    correction = services.correct_affiliation(raw=LYON, institution=directory[HCL], actor=staff)
    with Store(store_path) as store:
        services.apply_corrections_to_store(store=store)
        assert services.apply_corrections_to_store(store=store) == 1
        assert store.con.execute("SELECT count(*) FROM resolutions WHERE raw = ?",
                                 [LYON]).fetchone() == (1,)
        services.undo_correction(correction=correction, actor=staff)
        assert services.apply_corrections_to_store(store=store) == 0
        # The matcher's turn again at the next `resolve_affiliations`.
        assert store.con.execute("SELECT count(*) FROM resolutions WHERE raw = ?",
                                 [LYON]).fetchone() == (0,)
        assert index.resolve_affiliations(store, lambda raw: []) == (1, 0)


# --- bad input ------------------------------------------------------------------------------

def test_unknown_institution_is_refused_with_a_message_keeping_what_was_typed(
        staff_client, store_path, directory):
    response = staff_client.post(CORRECT_URL, {
        "raw": LYON_SHORT, "institution": "999999", "search": "civils",
        "note": "vu avec l’équipe"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {"institution": [
        "No institution of the directory has the number “999999”: choose one of the "
        "institutions listed, or search the directory by name or ROR id."]}
    assert ('<a href="#s1-choices">Institution</a>: No institution of the directory has the '
            'number “999999”') in body
    assert 'value="vu avec l’équipe"' in body
    assert 'name="search" id="s1-search" maxlength="200" value="civils"' in body
    assert AffiliationCorrection.objects.count() == 0


def test_empty_form_asks_for_a_choice(staff_client, store_path, directory):
    response = staff_client.post(CORRECT_URL, {"raw": LYON_SHORT, "note": "à revoir"})
    assert response.context["form"].errors == {"institution": [
        "Choose the institution this affiliation names, or “No institution of the registry”; "
        "to find another one, search the directory by name or ROR id."]}
    assert 'value="à revoir"' in response.content.decode()
    assert AffiliationCorrection.objects.count() == 0


def test_institution_without_ror_id_is_refused(staff_client, store_path, directory):
    lab = directory["no-ror"]
    response = staff_client.post(CORRECT_URL, {"raw": LYON_SHORT, "institution": str(lab.pk)})
    assert response.context["form"].errors == {"institution": [
        "“Laboratoire sans ROR” has no ROR id in the directory, and the observatory counts "
        "institutions by their ROR id: add its ROR id in the directory first, or choose "
        "another institution."]}
    # The institution chosen stays chosen.
    assert [i.pk for i in response.context["results"]] == [lab.pk]
    assert (f'<input type="radio" name="institution" value="{lab.pk}" id="s1-i{lab.pk}" '
            'checked>') in response.content.decode()


def test_missing_string_is_refused(staff_client, store_path, directory):
    response = staff_client.post(CORRECT_URL, {"institution": "none"})
    assert response.context["form"].errors == {"raw": [
        "The affiliation string is missing: go back to the review queue and choose a string."]}


# --- searching the directory ----------------------------------------------------------------

@pytest.mark.parametrize(("search", "expected"), [
    ("https://ror.org/0410a8y51", [CHUM]),
    ("universite montreal", [CHUM, UDEM]),  # "Centre hospitalier de l’Université de M…"
    ("mcgill", [MCGILL]),
    ("sans ROR", []),  # the directory has it, but without a ROR id
])
def test_correction_page_searches_the_directory(staff_client, store_path, directory, search,
                                                expected):
    response = staff_client.get(CORRECT_URL, {"raw": ROSEMONT, "search": search})
    assert [i.ror_id for i in response.context["results"]] == expected
    assert response.context["item"]["works"] == 1
    nothing = f"No institution of the directory with a ROR id matches “{search}”."
    assert (nothing in response.content.decode()) == (not expected)


def test_search_finding_only_the_candidates_does_not_say_nothing_was_found(
        staff_client, store_path, directory):
    response = staff_client.get(CORRECT_URL, {"raw": LYON_SHORT, "search": "hospices"})
    assert [p["institution"].ror_id for p in response.context["item"]["proposals"]] == [HCL]
    assert (response.context["results"], response.context["nothing_found"]) == ([], False)


def test_search_result_can_be_chosen(staff_client, store_path, directory, staff):
    mcgill = directory[MCGILL]
    response = staff_client.post(CORRECT_URL, {"raw": ROSEMONT, "institution": str(mcgill.pk),
                                               "search": "mcgill"})
    assert response.status_code == 302
    assert AffiliationCorrection.objects.values_list("raw", "ror_id").get() == (
        ROSEMONT, MCGILL)


def test_next_outside_the_site_is_ignored(staff_client, store_path, directory):
    response = staff_client.post(CORRECT_URL, {"raw": TORONTO, "institution": "none",
                                               "next": "https://evil.example.org/"})
    assert response["Location"] == reverse("observatory_review:queue")


# --- past corrections and undo --------------------------------------------------------------

def test_corrections_list_who_and_when_and_undo(staff_client, store_path, directory, staff):
    services.correct_affiliation(raw=TORONTO, institution=None, actor=staff, note="hors registre")
    correction = services.correct_affiliation(raw=LYON_SHORT, institution=directory[HCL],
                                              actor=staff)
    listed = staff_client.get(CORRECTIONS_URL)
    body = listed.content.decode()
    assert [(c.raw, c.ror_id, c.created_by) for c in listed.context["page"].object_list] == [
        (LYON_SHORT, HCL, staff), (TORONTO, None, staff)]
    assert "Lucie Moreau" in body and "No institution of the registry" in body

    response = staff_client.post(reverse("observatory_review:undo", args=[correction.pk]))
    assert response["Location"] == CORRECTIONS_URL
    assert list(AffiliationCorrection.objects.values_list("raw", flat=True)) == [TORONTO]
    entry = AuditEntry.objects.get(action="observatory.correction.delete")
    assert entry.changes == {"raw": [LYON_SHORT, None], "ror_id": [HCL, None],
                             "institution": [directory[HCL].pk, None], "note": ["", None]}
    # Back in the queue.
    assert [i["raw"] for i in staff_client.get(QUEUE_URL).context["items"]] == [
        LYON, LYON_SHORT, ROSEMONT]


def test_undo_needs_a_post(staff_client, store_path, directory, staff):
    correction = services.correct_affiliation(raw=TORONTO, institution=None, actor=staff)
    response = staff_client.get(reverse("observatory_review:undo", args=[correction.pk]))
    assert (response.status_code, AffiliationCorrection.objects.count()) == (405, 1)


def test_corrections_list_query_count(staff_client, store_path, directory, staff,
                                      django_assert_num_queries):
    for n in range(30):
        services.correct_affiliation(raw=f"Service {n}, Hospices Civils, Lyon",
                                     institution=directory[HCL], actor=staff)
    # session, user, second factor, count, the menu's two permission look-ups, the page
    with django_assert_num_queries(7):
        response = staff_client.get(CORRECTIONS_URL)
    assert len(response.context["page"].object_list) == 30
