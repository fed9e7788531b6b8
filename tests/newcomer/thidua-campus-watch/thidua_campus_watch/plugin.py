"""Tự quản an ninh trường học (campus watch)

Schools keep a student watch team, patrol their gate, brief their students on security and
count the incidents on campus. A school with no incident is "An toàn về ANTT" for the year.
"""

from core.plugins import hookimpl
from thidua_campus_watch.criteria import SAFETY_V1

requires_core = ">=1.0,<2"


@hookimpl
def thidua_criteria_sets():
    return [SAFETY_V1]
