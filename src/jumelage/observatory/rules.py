"""Who may use the observatory's affiliation review queue and see co-authors' names."""

import rules

from jumelage.accounts.rules import is_pole_staff, is_site_admin

can_review_affiliations = is_pole_staff | is_site_admin

# See the queue and the corrections made; correct a string; undo a correction.
rules.add_perm("observatory.review_affiliations", can_review_affiliations)

# Co-authors' names are personal data of real researchers: staff only.
rules.add_perm("observatory.view_coauthors", is_pole_staff | is_site_admin)
