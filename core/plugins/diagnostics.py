"""Load errors that say what to do: where the plugin's mistake is (file and line), the hook it
probably meant, the arguments a hook accepts, the dependency to declare.

pluggy's own checks name the plugin and the hook only; these run before a plugin is registered,
on what pluggy would register, so every problem of a plugin is reported at once.
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

DECLARE_DEPENDENCY = (
    "install it, and declare it in the plugin's install_requires (setup.cfg or pyproject.toml) so "
    "that installing the plugin installs it too"
)


def where(function: Callable[..., Any]) -> str:
    """``/path/to/file.py:LINE`` of the ``def`` line of ``function`` (past its decorators)."""
    function = inspect.unwrap(getattr(function, "__func__", function))
    try:
        path = inspect.getsourcefile(function) or inspect.getfile(function)
        lines, first = inspect.getsourcelines(function)
    except (OSError, TypeError):
        code = getattr(function, "__code__", None)
        return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(function)
    offset = next((i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "async def "))), 0)
    return f"{path}:{first + offset}"


def nearest(name: str, known: Sequence[str]) -> str | None:
    """The known name closest to a misspelled one, if any is close enough."""
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _accepted(arguments: Sequence[str]) -> str:
    return ", ".join(arguments) if arguments else "no argument"


def hook_problems(
    plugin: Any,
    project: str,
    marked: Callable[[str], Mapping[str, Any] | None],
    specs: Mapping[str, Sequence[str]],
) -> list[str]:
    """What is wrong with a plugin's hook implementations, one message each.

    :param plugin: the plugin module or object.
    :param project: the hook prefix (``thidua``).
    :param marked: attribute name → its ``@hookimpl`` options, or ``None`` when not marked
        (pluggy's ``parse_hookimpl_opts`` bound to the plugin).
    :param specs: hook name → the arguments its spec passes.
    """
    problems = []
    known = sorted(specs)
    for attr in dir(plugin):
        value = getattr(plugin, attr, None)
        if not callable(value) or inspect.isclass(value):
            continue
        options = marked(attr)
        if options is None:
            if attr.startswith(f"{project}_"):
                guess = nearest(attr, known)
                meant = f" (did you mean {guess}?)" if guess and guess != attr else ""
                problems.append(f"{attr} at {where(value)} looks like a hook but is not marked with "
                                f"@hookimpl{meant}: add `from core.plugins import hookimpl` and "
                                "decorate it with @hookimpl")
            continue
        hook = options.get("specname") or attr
        if hook not in specs:
            if options.get("optionalhook"):
                continue
            guess = nearest(hook, known)
            hint = f"did you mean {guess}?" if guess else f"the hooks are {', '.join(known)}"
            problems.append(f"unknown hook {hook} at {where(value)}: {hint}")
            continue
        problems += _argument_problems(hook, value, specs[hook])
    return problems


def _argument_problems(hook: str, function: Callable[..., Any], accepted: Sequence[str]) -> list[str]:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return []
    problems = []
    names = [p.name for p in parameters
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    unknown = [n for n in names if n not in accepted]
    if unknown:
        problems.append(
            f"hook {hook} at {where(function)} takes {', '.join(unknown)}, which the hook does not "
            f"pass: {hook} accepts {_accepted(accepted)} (any of them, by name, in any order)"
        )
    defaulted = [p.name for p in parameters if p.default is not p.empty and p.name in accepted]
    if defaulted:
        problems.append(
            f"hook {hook} at {where(function)} gives {', '.join(defaulted)} a default value, so it is "
            "never passed (pluggy ignores defaults): remove the default"
        )
    return problems


def _plugin_root(module: str) -> Path | None:
    """The directory (package) or file (module) of the entry point's top-level module."""
    try:
        spec = importlib.util.find_spec(module.split(".")[0])
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return Path(spec.origin).resolve() if spec.origin else None


def import_problem(exc: BaseException, module: str) -> str:
    """Why importing the plugin's entry point ``module`` failed, and where: the failing line of
    the plugin's own code (not of a library it imported), as a full path."""
    if isinstance(exc, SyntaxError) and exc.filename:
        # The faulty line is in the exception, not in the traceback (which ends in importlib).
        return f"{type(exc).__name__}: {exc.msg} at {exc.filename}:{exc.lineno}, while importing {module}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<frozen")]
    root = _plugin_root(module)
    own = [f for f in frames if root is not None and Path(f.filename).resolve().is_relative_to(root)]
    frame = (own or frames or [None])[-1]
    place = f" at {frame.filename}:{frame.lineno}" if frame else ""
    text = f"{type(exc).__name__}: {exc}{place}, while importing {module}"
    if not isinstance(exc, ImportError) or not exc.name:
        return text
    if exc.name.split(".")[0] == module.split(".")[0]:
        return f"{text}: {exc.name} is part of the plugin itself; check its name"
    if isinstance(exc, ModuleNotFoundError):
        return f"{text}: {exc.name} is not installed; {DECLARE_DEPENDENCY}"
    return (f"{text}: the installed {exc.name} does not provide it; declare the version the plugin "
            "needs in its install_requires (setup.cfg or pyproject.toml)")
