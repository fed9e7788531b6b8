"""Finding, loading and checking plugins; one :class:`PluginHost` per Flask app.

Installed ≠ loaded ≠ enabled: an entry point in ``thidua.plugins`` makes a plugin available,
``THIDUA_PLUGINS`` (default: every installed one) loads it, and a period enables its criteria
sets per tenant kind (:mod:`core.plugins.operations`).
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy
from flask import Flask

from core.plugins import defaults, diagnostics, hookspecs
from core.plugins.criteria import CriteriaSet

ENTRY_POINT_GROUP = "thidua.plugins"
API_VERSION = "1.0"
EXTENSION_KEY = "thidua_plugins"
# Flask's own commands, which the ``thidua`` group adds besides the core's.
FLASK_COMMANDS = frozenset({"run", "shell", "routes"})

LOADED = "loaded"
FAILED = "failed"
DISABLED = "disabled"

log = logging.getLogger("thidua.plugins")


class PluginLoadError(RuntimeError):
    """Start-up stopped: every plugin that failed, with its distribution, version and cause."""

    def __init__(self, failures: list[PluginInfo]) -> None:
        self.failures = failures
        lines = [f"Could not load {len(failures)} plugin(s):"]
        lines += [f"  - {info.describe()}: {info.cause}" for info in failures]
        lines.append("Fix or uninstall them, leave them out of THIDUA_PLUGINS, or start with "
                     "THIDUA_SKIP_FAILED_PLUGINS=1 to run without them.")
        super().__init__("\n".join(lines))


@dataclass
class PluginInfo:
    """What ``thidua plugins list`` shows about one plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    state: str = LOADED
    cause: str = ""
    module: str = ""
    criteria_sets: list[tuple[str, int]] = field(default_factory=list)

    def describe(self) -> str:
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version})"
        return f"{self.name} (no distribution)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "state": self.state,
            "cause": self.cause,
            "module": self.module,
            "criteria_sets": [{"key": k, "version": v} for k, v in self.criteria_sets],
        }


def setting(config: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """App config first (create_app overrides), then the environment."""
    if name in config:
        return config[name]
    return os.environ.get(name, default)


def flag(config: Mapping[str, Any], name: str) -> bool:
    value = setting(config, name)
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def wanted_plugins(value: Any) -> list[str] | None:
    """``None`` means every installed plugin; an empty string loads none."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    return list(dict.fromkeys(name.strip() for name in value if name and name.strip()))


_REQUIREMENT = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*$")


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)


def requirement_met(requirement: str, version: str = API_VERSION) -> bool:
    """``">=1.0,<2"`` against the plugin API version; raises ValueError on a malformed one."""
    have = _version_tuple(version)
    for clause in str(requirement).split(","):
        if not clause.strip():
            continue
        match = _REQUIREMENT.match(clause)
        if not match:
            raise ValueError(f"cannot read requires_core clause {clause.strip()!r}")
        op, wanted = match.group(1), _version_tuple(match.group(2))
        ok = {
            ">=": have >= wanted, "<=": have <= wanted, "==": have == wanted,
            "!=": have != wanted, ">": have > wanted, "<": have < wanted,
        }[op]
        if not ok:
            return False
    return True


def installed_entry_points() -> dict[str, list[metadata.EntryPoint]]:
    found: dict[str, list[metadata.EntryPoint]] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, []).append(ep)
    return found


def _dist_of(ep: metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"] or dist.name, dist.version


def _short_error(exc: BaseException) -> str:
    """The exception and the full path and line where it was raised."""
    where = traceback.extract_tb(exc.__traceback__)
    last = where[-1] if where else None
    place = f" at {last.filename}:{last.lineno}" if last else ""
    return f"{type(exc).__name__}: {exc}{place}"


class _NotAList(TypeError):
    """A start-up hook returned something other than a list (the message says which and where)."""


class PluginHost:
    """The pluggy manager of one app, the plugins' states and the criteria-set registry."""

    def __init__(self, wanted: list[str] | None = None, *, skip_failed: bool = False,
                 trace: bool = False) -> None:
        self.wanted = wanted
        self.skip_failed = skip_failed
        self.trace = trace
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(defaults, name="core.defaults")
        self.plugins: dict[str, PluginInfo] = {}
        self.registry: dict[tuple[str, int], CriteriaSet] = {}
        self.owners: dict[str, str] = {}
        self.award_rules: list[Any] = []
        self.blueprints: list[tuple[str, Any]] = []
        self.commands: list[tuple[str, Any]] = []
        self._sets: dict[str, list[CriteriaSet]] = {}
        # Sets answered at run time by ``thidua_find_criteria_set``: key → the plugin that did.
        self.found_owners: dict[str, str] = {}
        self._taken_commands: set[str] = set(FLASK_COMMANDS)
        if trace:
            self.pm.add_hookcall_monitoring(self._trace_before, self._trace_after)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PluginHost:
        return cls(
            wanted_plugins(setting(config, "THIDUA_PLUGINS")),
            skip_failed=flag(config, "THIDUA_SKIP_FAILED_PLUGINS"),
            trace=flag(config, "THIDUA_TRACE_HOOKS"),
        )

    # -- loading ---------------------------------------------------------------------------

    def load(self, taken_commands: Iterable[str] = ()) -> None:
        """Import, register and check every wanted plugin; raise one :class:`PluginLoadError`
        listing all failures unless ``skip_failed``. ``taken_commands``: the app's own command
        names, which no plugin command may take (Flask's ``run``, ``shell`` and ``routes``
        always are)."""
        self._taken_commands = set(taken_commands) | FLASK_COMMANDS
        installed = installed_entry_points()
        wanted = self.wanted if self.wanted is not None else sorted(installed)
        for name in sorted(installed):
            if name not in wanted:
                dist, version = _dist_of(installed[name][0])
                self.plugins[name] = PluginInfo(name, dist, version, DISABLED,
                                                "not listed in THIDUA_PLUGINS")
        for name in wanted:
            self._load_one(name, installed)
        # Every hook was checked against the specs before registering; this is pluggy's own check.
        self.pm.check_pending()
        for name in self.loaded_names():
            self._collect(name)
        failures = [info for info in self.plugins.values() if info.state == FAILED]
        if failures and not self.skip_failed:
            raise PluginLoadError(failures)
        for info in failures:
            log.error("plugin %s not loaded: %s", info.describe(), info.cause)
        self._build_registry()

    def _load_one(self, name: str, installed: Mapping[str, list[metadata.EntryPoint]]) -> None:
        candidates = installed.get(name)
        if not candidates:
            guess = diagnostics.nearest(name, sorted(installed))
            hint = f"did you mean {guess}? " if guess else ""
            known = ", ".join(sorted(installed)) or "none"
            self.plugins[name] = PluginInfo(
                name, state=FAILED,
                cause=f"not installed: no entry point {name!r} in group {ENTRY_POINT_GROUP!r} "
                      f"({hint}installed: {known})",
            )
            return
        dist, version = _dist_of(candidates[0])
        info = self.plugins[name] = PluginInfo(name, dist, version, module=candidates[0].value)
        if len({_dist_of(ep) for ep in candidates}) > 1:
            owners = ", ".join(" ".join(filter(None, _dist_of(ep))) for ep in candidates)
            self._fail(name, f"the entry point name is provided by more than one distribution: {owners}")
            return
        try:
            plugin = candidates[0].load()
        except Exception as exc:  # any error in a plugin's import is its load failure
            self._fail(name, f"import error: {diagnostics.import_problem(exc, candidates[0].module)}")
            return
        cause = self._requires_core_problem(plugin) or "; ".join(self._hook_problems(plugin))
        if cause:
            self._fail(name, cause)
            return
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # pluggy's PluginValidationError, or a name clash
            self._fail(name, f"invalid hook implementation: {exc}")
            return
        info.state = LOADED

    @staticmethod
    def _requires_core_problem(plugin: Any) -> str:
        requirement = getattr(plugin, "requires_core", None)
        if not requirement:
            return ""
        try:
            if requirement_met(requirement):
                return ""
        except ValueError as exc:
            return f"incompatible requires_core: {exc}"
        return (f"incompatible requires_core {requirement!r}: this core provides plugin API {API_VERSION}; "
                f"install a version of the plugin made for API {API_VERSION}, or widen requires_core "
                "if the plugin was tested with it")

    def _hook_problems(self, plugin: Any) -> list[str]:
        specs = {name: getattr(self.pm.hook, name).spec.argnames for name in self.hook_names()}
        return diagnostics.hook_problems(
            plugin, hookspecs.PROJECT, lambda attr: self.pm.parse_hookimpl_opts(plugin, attr), specs)

    def _collect(self, name: str) -> None:
        """Call the registration hooks of one plugin and check what they return."""
        try:
            sets = self._listed(name, "thidua_criteria_sets")
            rules = self._listed(name, "thidua_award_rules")
            blueprints = self._listed(name, "thidua_blueprints")
            commands = self._listed(name, "thidua_cli_commands")
        except _NotAList as exc:
            self._fail(name, str(exc))
            return
        except Exception as exc:  # a plugin's bug at start-up fails that plugin only
            self._fail(name, f"error in a start-up hook: {_short_error(exc)}")
            return
        cause = (self._check_sets(name, sets) or self._check_blueprints(blueprints)
                 or self._check_commands(commands))
        if cause:
            self._fail(name, cause)
            return
        info = self.plugins[name]
        info.criteria_sets = sorted(s.ref for s in sets)
        self._sets[name] = sets
        for criteria_set in sets:
            self.owners.setdefault(criteria_set.key, name)
        self.award_rules.extend(rules)
        self.blueprints.extend((name, b) for b in blueprints)
        self.commands.extend((name, c) for c in commands)

    def _listed(self, name: str, hook_name: str) -> list[Any]:
        """Everything one plugin's implementations of a start-up hook return, as one list.

        :raises _NotAList: an implementation returned something other than a list, tuple or
            ``None`` (``return EXAMPLE_V1`` for ``return [EXAMPLE_V1]``), naming the hook's file
            and line; iterating it would otherwise fail inside the core."""
        found: list[Any] = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if impl.plugin_name != name:
                continue
            if self.trace:
                log.info("hook %s → plugin %s", hook_name, name)
            result = impl.function()  # start-up hooks take no argument
            if result is None:
                continue
            if not isinstance(result, (list, tuple)):
                raise _NotAList(
                    f"hook {hook_name} at {diagnostics.where(impl.function)} returned a "
                    f"{type(result).__name__}, not a list: return a list, even of one item "
                    f"(`return [{'EXAMPLE_V1' if isinstance(result, CriteriaSet) else 'item'}]`)")
            found.extend(result)
        return found

    def _check_sets(self, name: str, sets: list[Any]) -> str:
        seen: set[tuple[str, int]] = set()
        for criteria_set in sets:
            if not isinstance(criteria_set, CriteriaSet):
                return f"thidua_criteria_sets returned {criteria_set!r}, not a CriteriaSet"
            if criteria_set.ref in seen:
                return f"criteria set {criteria_set.key} version {criteria_set.version} is declared twice"
            seen.add(criteria_set.ref)
            owner = self.owners.get(criteria_set.key)
            if owner is not None and owner != name:
                owner_info = self.plugins[owner]
                return (f"duplicate criteria set key {criteria_set.key!r}: already declared by "
                        f"plugin {owner_info.describe()}")
        return ""

    @staticmethod
    def _check_blueprints(blueprints: list[Any]) -> str:
        for blueprint in blueprints:
            if not getattr(blueprint, "name", "").startswith("plugin_"):
                return f"blueprint {getattr(blueprint, 'name', blueprint)!r} must be named 'plugin_…'"
        return ""

    def _check_commands(self, commands: list[Any]) -> str:
        for command in commands:
            command_name = getattr(command, "name", None)
            if not command_name:
                return f"thidua_cli_commands returned {command!r}, not a click command"
            if command_name in self._taken_commands or command_name in {c.name for _, c in self.commands}:
                return f"command {command_name!r} clashes with an existing command"
        return ""

    def _fail(self, name: str, cause: str) -> None:
        info = self.plugins.setdefault(name, PluginInfo(name))
        info.cause = f"{info.cause}; {cause}" if info.state == FAILED and info.cause else cause
        info.state = FAILED
        info.criteria_sets = []
        self._sets.pop(name, None)
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        for key in [k for k, owner in self.owners.items() if owner == name]:
            del self.owners[key]
        self.blueprints = [(n, b) for n, b in self.blueprints if n != name]
        self.commands = [(n, c) for n, c in self.commands if n != name]

    def _build_registry(self) -> None:
        self.registry.clear()
        for name in self.loaded_names():
            for criteria_set in self._sets.get(name, []):
                self.registry[criteria_set.ref] = criteria_set

    def install(self, app: Flask) -> None:
        """Mount the loaded plugins' blueprints and commands on ``app``."""
        for name, blueprint in list(self.blueprints):
            try:
                app.register_blueprint(blueprint)
            except Exception as exc:
                self._fail(name, f"blueprint {blueprint.name!r} could not be registered: {exc}")
        for _name, command in self.commands:
            app.cli.add_command(command)
        failures = [info for info in self.plugins.values() if info.state == FAILED]
        if failures and not self.skip_failed:
            raise PluginLoadError(failures)
        self._build_registry()

    # -- calling ----------------------------------------------------------------------------

    def loaded_names(self) -> list[str]:
        return [name for name, info in self.plugins.items() if info.state == LOADED]

    @staticmethod
    def hook_names() -> list[str]:
        return sorted(n for n in dir(hookspecs) if n.startswith(f"{hookspecs.PROJECT}_"))

    def call_plugin(self, name: str, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call one plugin's implementations of a hook; exceptions propagate."""
        results = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if impl.plugin_name == name:
                if self.trace:
                    log.info("hook %s → plugin %s", hook_name, name)
                results.append(impl.function(*(kwargs[arg] for arg in impl.argnames)))
        return results

    def broadcast(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of a broadcast or event hook, isolating each one: an
        exception is logged with the plugin's name and the others still run."""
        return [result for _, _, result in self.broadcast_each(hook_name, **kwargs)]

    def broadcast_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any, Any]]:
        """:meth:`broadcast`, each answer with who gave it: ``(plugin name, the hook's function,
        result)`` for every implementation that returned something other than ``None``."""
        results = []
        for impl in reversed(getattr(self.pm.hook, hook_name).get_hookimpls()):
            if self.trace:
                log.info("hook %s → plugin %s", hook_name, impl.plugin_name)
            try:
                result = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception:
                log.exception("plugin %s raised in %s", impl.plugin_name, hook_name)
                continue
            if result is not None:
                results.append((impl.plugin_name, impl.function, result))
        return results

    def submission_event(self, submission: Any, event: str) -> None:
        """Announce a workflow move to every plugin (never raises)."""
        self.broadcast("thidua_submission_event", submission=submission, event=event)

    def dashboard_panels(self, period: Any, scope: Any) -> list[dict[str, Any]]:
        panels = [p for result in self.broadcast("thidua_dashboard_panels", period=period, scope=scope)
                  for p in result]
        return sorted(panels, key=lambda p: p.get("priority", 0) if isinstance(p, dict) else 0)

    def _trace_before(self, hook_name: str, impls: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
        log.info("hook %s(%s) → %s", hook_name, ", ".join(sorted(kwargs)),
                 ", ".join(impl.plugin_name for impl in impls))

    def _trace_after(self, outcome: Any, hook_name: str, impls: Iterable[Any],
                     kwargs: Mapping[str, Any]) -> None:
        if outcome.exception is not None:
            log.info("hook %s raised %r", hook_name, outcome.exception)
        else:
            log.info("hook %s returned %r", hook_name, outcome.get_result())

    # -- the registry -----------------------------------------------------------------------

    def outcome_label(self, name: str, english: bool) -> str | None:
        """The name a loaded set gives the standard ``name`` (its ``outcome_labels``), in English
        or Vietnamese; None when no set names it."""
        for criteria_set in self.registry.values():
            labels = criteria_set.outcome_labels or {}
            if name in labels:
                return labels[name][1 if english else 0]
        return None

    def criteria_set(self, key: str, version: int | None = None) -> CriteriaSet | None:
        """One version of a set, or its latest version; ``None`` when not loaded.

        A key no plugin declared at start-up is asked of ``thidua_find_criteria_set`` (sets
        stored as data); the first plugin that answers owns it.
        """
        if version is not None:
            found = self.registry.get((key, version))
        else:
            versions = self.versions(key)
            found = self.registry[(key, versions[-1])] if versions else None
        if found is not None or key in self.owners:
            return found
        return self._find(key, version)

    def _find(self, key: str, version: int | None) -> CriteriaSet | None:
        for impl in reversed(self.pm.hook.thidua_find_criteria_set.get_hookimpls()):
            if self.trace:
                log.info("hook thidua_find_criteria_set → plugin %s", impl.plugin_name)
            arguments = {"key": key, "version": version}
            found = impl.function(*(arguments[arg] for arg in impl.argnames))
            if isinstance(found, CriteriaSet) and found.key == key:
                self.found_owners[key] = impl.plugin_name
                return found
        return None

    def may_enable(self, criteria_set: CriteriaSet, tenant: Any) -> bool:
        """Whether a period owned by ``tenant`` may enable ``criteria_set``: no plugin's
        ``thidua_criteria_set_reach`` answers ``False``."""
        for impl in self.pm.hook.thidua_criteria_set_reach.get_hookimpls():
            arguments = {"criteria_set": criteria_set, "tenant": tenant}
            try:
                answer = impl.function(*(arguments[arg] for arg in impl.argnames))
            except Exception:
                # Fails closed: a reach that cannot be judged is no reach.
                log.exception("plugin %s raised in thidua_criteria_set_reach", impl.plugin_name)
                return False
            if answer is False:
                return False
        return True

    def applies(self, criteria_set: CriteriaSet, tenant: Any) -> bool:
        """Whether ``tenant`` fills ``criteria_set`` where its period enabled it for the unit's
        kind: no plugin's ``thidua_criteria_set_applies`` answers ``False``."""
        for impl in self.pm.hook.thidua_criteria_set_applies.get_hookimpls():
            arguments = {"criteria_set": criteria_set, "tenant": tenant}
            try:
                answer = impl.function(*(arguments[arg] for arg in impl.argnames))
            except Exception:
                # Fails open, unlike the reach: a unit left without its form could not report,
                # while a form too many only asks more of it.
                log.exception("plugin %s raised in thidua_criteria_set_applies", impl.plugin_name)
                continue
            if answer is False:
                return False
        return True

    def versions(self, key: str) -> list[int]:
        return sorted(v for k, v in self.registry if k == key)

    def latest_sets(self) -> list[CriteriaSet]:
        keys = sorted({k for k, _ in self.registry})
        return [self.criteria_set(k) for k in keys]  # type: ignore[misc]

    def owner_of(self, key: str) -> str | None:
        return self.owners.get(key) or self.found_owners.get(key)

    def info_list(self) -> list[PluginInfo]:
        return [self.plugins[name] for name in sorted(self.plugins)]


def plugin_host(app: Flask) -> PluginHost:
    """The plugin host of ``app`` (core code; plugins use :func:`core.plugins.current_host`)."""
    return app.extensions[EXTENSION_KEY]


def load_plugins(app: Flask) -> PluginHost:
    """Load the plugins named by ``THIDUA_PLUGINS`` onto ``app`` and mount their blueprints and
    commands. The app factory calls it after registering the core's blueprints and commands, so
    that a plugin's command cannot take a core command's name.

    :raises PluginLoadError: listing every failed plugin, unless ``THIDUA_SKIP_FAILED_PLUGINS=1``.
    """
    host = PluginHost.from_config(app.config)
    app.extensions[EXTENSION_KEY] = host
    host.load(taken_commands=app.cli.commands)
    host.install(app)
    return host
