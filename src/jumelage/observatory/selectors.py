"""What the observatory engine needs from the directory: the registry of institutions."""

from jumelage.core.text import fold
from jumelage.directory.models import Institution
from jumelage.observatory.engine.indicators import REGION_CODES


def region_code(*, region: str, country: str) -> str | None:
    """"Auvergne-Rhône-Alpes" -> "ARA", "Québec" -> "QC" (only within their countries)."""
    code = REGION_CODES.get(fold(region).replace(" ", "-"))
    if code == "ARA" and country.upper() != "FR":
        return None
    if code == "QC" and country.upper() != "CA":
        return None
    return code


def institution_records() -> list[dict]:
    """Every institution with a ROR id, as the matcher's registry and the indicators read it."""
    institutions = (Institution.objects.exclude(ror_id=None).select_related("pole")
                    .prefetch_related("parents").order_by("ror_id"))
    records = []
    for inst in institutions:
        parents = [p.ror_id for p in inst.parents.all() if p.ror_id]
        pole_region = inst.pole.region_code if inst.pole else None
        records.append({
            "ror_id": inst.ror_id, "name_fr": inst.name_fr, "name_en": inst.name_en,
            "name": inst.name_fr or inst.name_en, "acronym": inst.acronym,
            "aliases": list(inst.aliases), "city": inst.city, "region": inst.region,
            "country_code": inst.country, "parent_ids": parents, "type": inst.type,
            "active": inst.active, "pole": inst.pole.code if inst.pole else None,
            "region_code": pole_region or region_code(region=inst.region, country=inst.country),
        })
    return records
