"""Flask extensions shared by the app factory and the blueprints."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Requests per address per real minute: Flask-Limiter counts on its storage's own (wall) clock, on
# purpose, since it limits how fast requests really arrive. Everything that decides by the date
# (the per-account sign-in wait, deadlines, jobs) reads core.clock instead.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
