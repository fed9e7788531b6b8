"""Tenant kinds known to the core. A directory file may add kinds of its own."""

from flask_babel import lazy_gettext as _l

CITY = "city"
WARD = "ward"
COMMUNE = "commune"
DEPARTMENT = "department"
FRONT_ORG = "front_org"
AGENCY = "agency"
ENTERPRISE = "enterprise"
SCHOOL = "school"

CORE_KINDS: tuple[str, ...] = (
    CITY, WARD, COMMUNE, DEPARTMENT, FRONT_ORG, AGENCY, ENTERPRISE, SCHOOL,
)

# Each kind's name as shown, in the interface's language (pages, the API's files, exports).
LABELS = {
    CITY: _l("Thành phố"),
    WARD: _l("Phường"),
    COMMUNE: _l("Xã"),
    DEPARTMENT: _l("Sở, ban, ngành"),
    FRONT_ORG: _l("Mặt trận, đoàn thể"),
    AGENCY: _l("Cơ quan"),
    ENTERPRISE: _l("Doanh nghiệp"),
    SCHOOL: _l("Trường học"),
}


def kind_label(code: str | None) -> str:
    """The translated name of a kind; a kind a directory added (and nobody named) shows as
    itself rather than disappearing."""
    if code is None:
        return ""
    return str(LABELS.get(code, code))


# Which kinds may sit directly under which: a commune registers its schools and enterprises,
# a department its agencies and schools; the city holds the rest.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    CITY: frozenset({WARD, COMMUNE, DEPARTMENT, FRONT_ORG, AGENCY, ENTERPRISE, SCHOOL}),
    WARD: frozenset({AGENCY, ENTERPRISE, SCHOOL}),
    COMMUNE: frozenset({AGENCY, ENTERPRISE, SCHOOL}),
    DEPARTMENT: frozenset({AGENCY, ENTERPRISE, SCHOOL}),
    FRONT_ORG: frozenset({FRONT_ORG}),
    AGENCY: frozenset({AGENCY}),
    ENTERPRISE: frozenset(),
    SCHOOL: frozenset(),
}


def may_hold(parent_kind: str, child_kind: str) -> bool:
    """Kinds outside the core list (added by a directory) may sit under any unit."""
    if child_kind not in CORE_KINDS:
        return True
    return child_kind in ALLOWED_CHILDREN.get(parent_kind, frozenset(CORE_KINDS))
