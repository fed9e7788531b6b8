"""REST API ``/api/v1``."""

from flask import Blueprint

blueprint = Blueprint("api", __name__)
