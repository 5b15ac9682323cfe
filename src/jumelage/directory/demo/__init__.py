"""The demo partnership: two poles, their themes, member institutions, fictional teams and people,
and one sign-in per role. `seed_demo()` loads it; running it again adds and changes nothing.

Poles, themes and institutions are real and typed by hand (ROR ids checked one by one). Teams and
people are fictional: names come from Faker (fr_FR on the CLARA side, fr_CA on the Oncopole side)
with fixed seeds, emails are on a reserved demo domain, and ORCID iDs lie in a range ORCID does not
assign. Each row is found again by a natural key (pole and theme codes, ROR id, email, team name
within its institution) and only created when missing; existing rows are never overwritten.

Modules, by entity: partnership (poles and themes), institutions, teams (with the words and
positions people are given), people (demo accounts and fictional people), loading (seed_demo)
and publications (the observatory's demo corpus: synthetic works over the demo institutions
beside real MEDLINE records, loaded by the `seed_demo` command).
"""

from jumelage.directory.demo.institutions import INSTITUTIONS, InstitutionSpec
from jumelage.directory.demo.loading import DEMO_MODELS, DemoReport, seed_demo
from jumelage.directory.demo.partnership import AGREEMENT_THEMES, POLES, PRIORITIES, THEMES
from jumelage.directory.demo.people import (
    ACCOUNTS,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    PRESS_RELEASE_NAMES,
    SEED,
    DemoLogin,
    PersonSpec,
    build_people,
    demo_logins,
    demo_orcid,
    is_demo_email,
)
from jumelage.directory.demo.teams import (
    CANCER_TYPES,
    KEYWORDS,
    POSITIONS,
    SECOND_POSITIONS,
    TEAMS,
    TeamSpec,
)

__all__ = [
    "ACCOUNTS", "AGREEMENT_THEMES", "CANCER_TYPES", "DEMO_DOMAIN", "DEMO_MODELS",
    "DEMO_PASSWORD", "INSTITUTIONS", "KEYWORDS", "POLES", "POSITIONS", "PRESS_RELEASE_NAMES",
    "PRIORITIES", "SECOND_POSITIONS", "SEED", "TEAMS", "THEMES", "DemoLogin", "DemoReport",
    "InstitutionSpec", "PersonSpec", "TeamSpec", "build_people", "demo_logins", "demo_orcid",
    "is_demo_email", "seed_demo",
]
