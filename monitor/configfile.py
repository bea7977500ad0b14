"""Reading feeds.yaml: YAML with a key-path → line map, ``${VAR}`` interpolation,
validation into ``monitor.config`` models, cross-checks, and one ``ConfigError`` listing every
problem with file, line and key. Touches neither the network nor the database; never echoes
a value that came from the environment, and registers every secret it loads with
``monitor.redact`` (values from the environment, secret fields, the database password) so
that no log line shows them either.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from monitor.config import Config, Topic
from monitor.errors import ConfigError, Problem
from monitor.match import QuerySyntaxError, compile_topic
from monitor.redact import register_secrets, secret_values
from monitor.store.db import url_problem, url_secrets

# ---------------------------------------------------------------------------------------------
# Loading: read → YAML (with a key-path → line map) → interpolate → validate + cross-check.
# Every stage yields Issues (path, message); they become Problems in one place (_problems).

KeyPath = tuple[str | int, ...]
Issue = tuple[KeyPath, str]
_MIN_SECRET = 4
_RECURSIVE = "recursive YAML alias (a node that contains itself)"
_REF = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{")


DELIVERY_SECTIONS = ("notifiers", "routes", "ops")  # what only sending needs


def load_config(
    path: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    *,
    delivery: bool = True,
) -> Config:
    """Load, interpolate and validate the config file at ``path``.

    ``env`` (default ``os.environ``) feeds ``${VAR}`` references, and a non-empty
    ``DATABASE_URL`` in it replaces ``settings.database_url``. Every secret loaded is
    registered with ``monitor.redact``, whether the file is valid or not. With
    ``delivery`` False (read-only commands: they send nothing), the notifiers, routes and
    ops sections are left out unread, so their secrets need not be set.
    Raises ConfigError listing every Problem found (file, 1-based line, key, message).
    """
    env = os.environ if env is None else env
    file = str(path)
    data, lines, issues = _read_yaml(file)
    secrets: list[str] = []
    config = None
    if isinstance(data, dict) and not delivery:
        data = {k: v for k, v in data.items() if k not in DELIVERY_SECTIONS}
    if data is not None:
        data, found = _interpolate(data, env, (), secrets)
        config, invalid = _validate(data)
        issues += found + invalid + _cross_check(data)
        if config is not None:
            issues += _query_issues(file, config, lines, issues)
            config = _with_database_url(config, env.get("DATABASE_URL"))
            config, found = _with_health_env(config, env)
            issues += found
            secrets += url_secrets(config.settings.database_url) + secret_values(config)
    register_secrets(secrets)
    problems = _problems(file, data, lines, issues, secrets)
    if config is not None:
        problems += _database_url_problems(file, lines, config, bool(env.get("DATABASE_URL")))
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return config


def _with_database_url(config: Config, url: str | None) -> Config:
    if not url:
        return config
    settings = config.settings.model_copy(update={"database_url": url})
    return config.model_copy(update={"settings": settings})


HEALTH_ENV = ("MONITOR_HEALTH_HOST", "MONITOR_HEALTH_PORT")


def _with_health_env(config: Config, env: Mapping[str, str]) -> tuple[Config, list[Issue]]:
    """Where /healthz is served when the file sets no ``settings.health.port``: at
    $MONITOR_HEALTH_HOST:$MONITOR_HEALTH_PORT when the port variable is set (the container
    image sets 0.0.0.0 and 8080, so its HEALTHCHECK always finds a server). A port the file
    sets wins."""
    port_text = env.get("MONITOR_HEALTH_PORT", "").strip()
    if config.settings.health.port is not None or not port_text:
        return config, []
    if not port_text.isdigit() or int(port_text) > 65535:
        return config, [(("MONITOR_HEALTH_PORT",), "(environment variable) must be 0-65535")]
    host = env.get("MONITOR_HEALTH_HOST", "").strip() or config.settings.health.host
    health = config.settings.health.model_copy(update={"host": host, "port": int(port_text)})
    settings = config.settings.model_copy(update={"health": health})
    return config.model_copy(update={"settings": settings}), []


def _database_url_problems(
    file: str, lines: dict[KeyPath, int], config: Config, from_env: bool
) -> list[Problem]:
    """A database URL that does not parse, named by where it came from (never quoted)."""
    problem = url_problem(config.settings.database_url)
    if problem is None:
        return []
    if from_env:
        return [Problem(file, None, "DATABASE_URL", f"(environment variable) {problem}")]
    path: KeyPath = ("settings", "database_url")
    return [Problem(file, _line(lines, path), "settings.database_url", problem)]


# libyaml's parser when PyYAML has it: a config of 2,000 sources composes in ~0.1 s instead
# of ~1 s; a file it rejects is parsed again in Python for the error message
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(file: str) -> tuple[Any, dict[KeyPath, int], list[Issue]]:
    """Parse ``file`` into (data, key-path → line, issues); data is None when unusable."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except UnicodeError:
        return None, {}, [((), "cannot read the file: it is not UTF-8 text")]
    except OSError as exc:
        return None, {}, [((), f"cannot read the file: {exc.strerror or type(exc).__name__}")]
    lines: dict[KeyPath, int] = {}
    try:
        data, issues = _compose(text, lines, _FAST_LOADER)
    except yaml.MarkedYAMLError:
        lines.clear()  # the pure-Python parser words syntax errors as our messages expect
    else:
        return data, lines, issues
    try:
        data, issues = _compose(text, lines, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        lines[()] = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return None, lines, [((), _yaml_message(exc))]
    return data, lines, issues


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.problem and exc.context and exc.context_mark:
        message += f" ({exc.context} started on line {exc.context_mark.line + 1})"
    return message


def _compose(
    text: str, lines: dict[KeyPath, int], loader_class: type[yaml.SafeLoader]
) -> tuple[Any, list[Issue]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            lines[()] = node.start_mark.line + 1 if node is not None else 1
            what = "empty" if node is None else "not a mapping"
            return None, [((), f"the file is {what}: expected keys settings, sources, topics…")]
        issues = _map_lines(node, (), lines, set())
        recursive = any(msg == _RECURSIVE for _, msg in issues)
        return (None if recursive else loader.construct_document(node)), issues
    finally:
        loader.dispose()


def _map_lines(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], seen: set[int]
) -> list[Issue]:
    """Record the line of every key and item under ``node``; report duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:
        return [(path, _RECURSIVE)]
    children: list[tuple[KeyPath, yaml.Node]] = []
    issues: list[Issue] = []
    if isinstance(node, yaml.SequenceNode):
        children = [((*path, i), item) for i, item in enumerate(node.value)]
    elif isinstance(node, yaml.MappingNode):
        children, issues = _mapping_children(node, path, lines)
    for child_path, child in children:
        issues += _map_lines(child, child_path, lines, seen | {id(node)})
    return issues


def _mapping_children(
    node: yaml.MappingNode, path: KeyPath, lines: dict[KeyPath, int]
) -> tuple[list[tuple[KeyPath, yaml.Node]], list[Issue]]:
    children: list[tuple[KeyPath, yaml.Node]] = []
    issues: list[Issue] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key == "<<":  # merge key: merged keys fall back to the line of their mapping
            continue
        if (*path, key) in lines:
            issues.append(((*path, key), "duplicate key"))
        lines[(*path, key)] = key_node.start_mark.line + 1
        children.append(((*path, key), value_node))
    return children, issues


def _interpolate(
    data: Any, env: Mapping[str, str], path: KeyPath, secrets: list[str]
) -> tuple[Any, list[Issue]]:
    """Replace ``${VAR}`` references in every string scalar; ``$${`` is a literal ``${``."""
    issues: list[Issue] = []
    if isinstance(data, dict):
        out: Any = {}
        for k, v in data.items():
            out[k], found = _interpolate(v, env, (*path, str(k)), secrets)
            issues += found
        return out, issues
    if isinstance(data, list):
        items = [_interpolate(v, env, (*path, i), secrets) for i, v in enumerate(data)]
        return [v for v, _ in items], [i for _, found in items for i in found]
    if isinstance(data, str) and "$" in data:
        return _substitute(data, env, secrets, lambda msg: issues.append((path, msg))), issues
    return data, issues


def _substitute(
    text: str, env: Mapping[str, str], secrets: list[str], report: Callable[[str], None]
) -> str:
    def replace(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if m.group(0) == "$${":
            return "${"
        if name is None:
            report("malformed ${...} reference (write $${ for a literal ${)")
            return ""
        value = env.get(name)
        if value is None or (value == "" and default is not None):
            if default is None:
                report(f"environment variable {name} is not set")
            return default or ""
        secrets.append(value)
        return value

    return _REF.sub(replace, text)


def _validate(data: Any) -> tuple[Config | None, list[Issue]]:
    try:
        return Config.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=True)
        return None, [_pydantic_issue(data, dict(e)) for e in errors]


def _pydantic_issue(data: Any, error: dict[str, Any]) -> Issue:
    """Map a pydantic error's ``loc`` onto the document's key path and a readable message."""
    path: KeyPath = ()
    node = data
    for seg in error["loc"]:
        if isinstance(node, dict) and isinstance(seg, str) and seg not in node:
            if node.get("type") == seg:  # discriminated-union tag, not a key of the document
                continue
            if error["type"] == "missing":
                path = (*path, seg)
            break
        node = _child(node, seg)
        if node is _ABSENT:
            break
        path = (*path, seg)
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        path = (*path, str(error.get("ctx", {}).get("discriminator", "type")).strip("'\""))
    return path, _message(error)


_ABSENT = object()


def _child(node: Any, seg: str | int) -> Any:
    """``node[seg]`` in the loaded document, or _ABSENT."""
    if isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
        return node[seg]
    if isinstance(node, dict) and seg in node:
        return node[seg]
    return _ABSENT


def _message(error: dict[str, Any]) -> str:
    kind, msg, ctx = error["type"], str(error["msg"]), error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_not_found":
        return "needs a type key naming the kind of notifier, e.g. console"
    if kind == "union_tag_invalid":
        return f"unknown type; expected one of {ctx.get('expected_tags', '')}"
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _cross_check(data: Any) -> list[Issue]:
    """Checks across sections: duplicate names and references to missing topics/notifiers."""
    if not isinstance(data, dict):
        return []
    issues = [i for s in ("sources", "topics", "notifiers") for i in _duplicates(data, s)]
    topics = _names(data, "topics")
    notifiers = _names(data, "notifiers") if data.get("notifiers") else {"console": 0}
    for i, route in _items(data, "routes"):
        issues += _missing_refs(route, ("routes", i), "topic", topics, "topic")
        issues += _missing_refs(route, ("routes", i), "notifiers", notifiers, "notifier")
    for i, source in _items(data, "sources"):
        issues += _missing_refs(source, ("sources", i), "topics", topics, "topic")
    issues += _digest_route_notifiers(data)
    if isinstance(data.get("ops"), dict):
        issues += _missing_refs(data["ops"], ("ops",), "notifiers", notifiers, "notifier")
    return issues + _tracked_case_courts(data)


DIGEST_TYPES = frozenset({"email"})  # notifier types that can send a digest


def _digest_route_notifiers(data: dict[str, Any]) -> list[Issue]:
    """A digest route's notifiers must be able to send digests (email): anything else would
    hold its alerts for ever."""
    types = {n.get("name"): n.get("type") for _, n in _items(data, "notifiers")}
    if not data.get("notifiers"):
        types = {"console": "console"}
    issues: list[Issue] = []
    for i, route in _items(data, "routes"):
        names = route.get("notifiers")
        if route.get("mode") != "digest" or not isinstance(names, list):
            continue
        for j, name in enumerate(names):
            kind = types.get(name)
            if isinstance(kind, str) and kind not in DIGEST_TYPES:
                message = f"a digest route needs an email notifier; {name!r} is {kind}"
                issues.append((("routes", i, "notifiers", j), message))
    return issues


def _tracked_case_courts(data: dict[str, Any]) -> list[Issue]:
    """A tracked case's court must be read by some pacer or courtlistener source, or the
    case can never alert."""
    courts = {
        str(source["court"]).strip().lower()
        for _, source in _items(data, "sources")
        if source.get("kind") in ("pacer", "courtlistener") and isinstance(source.get("court"), str)
    }
    issues: list[Issue] = []
    for i, topic in _items(data, "topics"):
        cases = topic.get("cases")
        for j, case in enumerate(cases if isinstance(cases, list) else []):
            court = case.get("court") if isinstance(case, dict) else None
            if isinstance(court, str) and court.strip().lower() not in courts:
                issues.append(
                    (
                        ("topics", i, "cases", j, "court"),
                        f"no pacer or courtlistener source has court {court.strip().lower()!r}",
                    )
                )
    return issues


def _items(data: dict[str, Any], section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data.get(section)
    if isinstance(items, list):
        yield from ((i, item) for i, item in enumerate(items) if isinstance(item, dict))


def _names(data: dict[str, Any], section: str) -> dict[str, int] | None:
    """Name → first index in ``section``; None when the section is not a list (no checks)."""
    if section in data and not isinstance(data[section], list):
        return None
    names: dict[str, int] = {}
    for i, item in _items(data, section):
        if isinstance(item.get("name"), str):
            names.setdefault(item["name"], i)
    return names


def _duplicates(data: dict[str, Any], section: str) -> list[Issue]:
    first: dict[str, int] = {}
    issues: list[Issue] = []
    for i, item in _items(data, section):
        name = item.get("name")
        if isinstance(name, str) and name in first:
            issues.append(
                ((section, i, "name"), f"duplicate name; first used by {section}[{first[name]}]")
            )
        elif isinstance(name, str):
            first[name] = i
    return issues


def _missing_refs(
    item: dict[str, Any], at: KeyPath, key: str, known: dict[str, int] | None, what: str
) -> list[Issue]:
    value = item.get(key)
    if known is None or value is None:
        return []
    refs = [((*at, key), value)] if isinstance(value, str) else []
    if isinstance(value, list):
        refs = [((*at, key, j), v) for j, v in enumerate(value) if isinstance(v, str)]
    return [(path, f"no {what} named {ref!r}") for path, ref in refs if ref not in known]


# ---------------------------------------------------------------------------------------------
# Topic queries: compiled here (pure, no I/O beyond re-reading the file on error) so that a
# query that does not parse is a problem naming the topic, the line and the column.

_WHERE = re.compile(r"(\w+)(?:\[(\d+)\]|\.(.+))?$")


def _query_issues(
    file: str, config: Config, lines: dict[KeyPath, int], known: list[Issue]
) -> list[Issue]:
    """Compile every topic that has no other problem; a QuerySyntaxError becomes an issue at
    the file line of the text at fault (inside a multi-line scalar too, recorded in ``lines``)
    whose message shows that line and a caret under the column."""
    flawed = {path[1] for path, _ in known if path[:1] == ("topics",) and len(path) > 1}
    issues: list[Issue] = []
    for i, topic in enumerate(config.topics):
        if i in flawed:
            continue
        try:
            compile_topic(topic)
        except QuerySyntaxError as exc:
            path: KeyPath = ("topics", i, *_query_key(topic, exc))
            line, text, column = _query_position(file, path, exc)
            if line is not None:
                lines[path] = line
            caret = f"{exc.message} (column {column + 1})\n  {text}\n  {' ' * column}^"
            issues.append((path, caret))
    return issues


def _query_key(topic: Topic, exc: QuerySyntaxError) -> KeyPath:
    """The key path under the topic of ``exc.where``: ``exclude[2]`` → ("exclude", 2)."""
    m = _WHERE.match(exc.where)
    if m is None:
        return ()
    key, index, name = m.groups()
    if index is not None:
        return (key, int(index))
    if name is not None and exc.query in topic.aliases.get(name, []):
        return (key, name, topic.aliases[name].index(exc.query))
    return (key, name) if name is not None else (key,)


def _query_position(file: str, path: KeyPath, exc: QuerySyntaxError) -> tuple[int | None, str, int]:
    """(1-based file line or None when unknown, the text of that line, 0-based column in it)."""
    for line, text, offset in _scalar_lines(file, path, exc.query):
        if offset <= exc.column <= offset + len(text):
            return line, text, exc.column - offset
    text, caret = exc.caret().rsplit("\n", 1)
    return None, text, len(caret) - 1


def _scalar_lines(file: str, path: KeyPath, value: str) -> list[tuple[int, str, int]]:
    """Each source line of the scalar at ``path``: (1-based line, its text, offset of that
    text in ``value``). Empty when the lines cannot be found verbatim in ``value`` (escapes,
    interpolation): callers then fall back to the key's line."""
    try:
        text = Path(file).read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return []
    for seg in path:
        node = _yaml_child(node, seg)
    if not isinstance(node, yaml.ScalarNode):
        return []
    start, end = node.start_mark, node.end_mark
    found, cursor = [], 0
    source = text.splitlines()
    for number in range(start.line, min(end.line + 1, len(source))):
        first, last = start.column if number == start.line else 0, None
        if number == end.line:
            last = end.column
        part = source[number][first:last].strip()
        if node.style in ("|", ">") and number == start.line:
            continue  # the block indicator line
        if node.style in ("'", '"'):
            part = part.removeprefix(node.style) if number == start.line else part
            part = part.removesuffix(node.style) if number == end.line else part
        if not part:
            continue
        offset = value.find(part, cursor)
        if offset < 0:
            return []
        found.append((number + 1, part, offset))
        cursor = offset + len(part)
    return found


def _yaml_child(node: yaml.Node | None, seg: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(seg, int) and seg < len(node.value):
        child: yaml.Node = node.value[seg]
        return child
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == seg), None)
    return None


def _problems(
    file: str, data: Any, lines: dict[KeyPath, int], issues: list[Issue], secrets: list[str]
) -> list[Problem]:
    problems = [
        Problem(file, _line(lines, path), _scrub(_key(data, path), secrets), _scrub(msg, secrets))
        for path, msg in issues
    ]
    return sorted(problems, key=lambda p: (p.line or 0, p.key))


def _line(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _key(data: Any, path: KeyPath) -> str:
    """``sources[2] (google-news).url`` for ("sources", 2, "url")."""
    out, node = "", data
    for seg in path:
        node = _child(node, seg)
        if isinstance(seg, int):
            name = node.get("name") if isinstance(node, dict) else None
            out += f"[{seg}]" + (f" ({name})" if isinstance(name, str) else "")
        else:
            out += f".{seg}" if out else seg
    return out


def _scrub(message: str, secrets: list[str]) -> str:
    """Mask environment values; shorter ones (a port, a count) are no secret and would
    mangle unrelated text such as ``sources[1]``."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_SECRET:
            message = message.replace(secret, "***")
    return message


__all__ = ["load_config"]
