"""Server-rendered web pages."""

from flask import Blueprint

blueprint = Blueprint("web", __name__)


@blueprint.route("/")
def home():
    return "ok"
