"""Tests of monitor.config: loading, interpolation, validation problems, defaults."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from monitor.config import (
    Backfill,
    Config,
    ConsoleNotifier,
    HttpSettings,
    Route,
    Settings,
    Source,
    Topic,
    parse_duration,
)
from monitor.configfile import load_config
from monitor.errors import ConfigError, Problem

DATA = Path(__file__).parent / "data" / "config"
SHIPPED = Path(__file__).parents[1] / "feeds.yaml"
SECRET = "s3cr3t-Hunter2-xyzzy"


def problems_of(path: Path, env: dict[str, str] | None = None) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        load_config(path, {} if env is None else env)
    return info.value.problems


def load_text(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Config:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, {} if env is None else env)


def problems_in_text(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, text, env)
    return info.value.problems


# One problem per fixture: (file, line, key, words the message must contain).
ONE_PROBLEM = [
    ("syntax_error.yaml", 6, "", "YAML syntax error"),
    ("not_a_mapping.yaml", 2, "", "not a mapping"),
    ("unknown_key.yaml", 4, "settings.http.perhost", "unknown key"),
    ("duplicate_key.yaml", 4, "settings.timezone", "duplicate key"),
    ("wrong_type.yaml", 5, "settings.http.per_host", "valid integer"),
    ("bad_url.yaml", 6, "sources[1] (court).url", "http:// or https://"),
    ("bad_duration.yaml", 6, "sources[1] (bing-news).interval", "expected a duration"),
    ("bad_timezone.yaml", 3, "settings.timezone", "unknown time zone"),
    ("bad_backfill.yaml", 2, "settings.backfill", "expected a duration"),
    ("missing_env.yaml", 4, "sources[0] (courtlistener).url", "CL_FEED_ID is not set"),
    ("missing_required.yaml", 2, "sources[0] (google-news).url", "required key is missing"),
    ("duplicate_source.yaml", 6, "sources[2] (google-news).name", "duplicate name"),
    ("duplicate_topic.yaml", 4, "topics[1] (clearview).name", "duplicate name"),
    ("duplicate_notifier.yaml", 4, "notifiers[1] (desk).name", "duplicate name"),
    ("unknown_notifier_type.yaml", 3, "notifiers[0] (desk).type", "unknown type"),
    ("route_unknown_topic.yaml", 5, "routes[0].topic", "no topic named 'clearveiw'"),
    ("route_unknown_notifier.yaml", 11, "routes[0].notifiers[1]", "no notifier named"),
    ("source_unknown_topic.yaml", 4, "sources[0] (ftc-press).topics[1]", "no topic named"),
    ("topic_without_terms.yaml", 4, "topics[1] (pimeyes)", "needs terms"),
    ("topic_terms_and_query.yaml", 2, "topics[0] (clearview)", "not both"),
]


@pytest.mark.parametrize(("name", "line", "key", "words"), ONE_PROBLEM)
def test_each_problem_kind_names_file_line_and_key(
    name: str, line: int, key: str, words: str
) -> None:
    [problem] = problems_of(DATA / name)
    assert (problem.file, problem.line, problem.key) == (str(DATA / name), line, key)
    assert words in problem.message
    where = f"{DATA / name}:{line}: "
    assert str(problem) == where + (f"{key}: " if key else "") + problem.message


def test_every_problem_in_a_file_is_reported() -> None:
    problems = problems_of(DATA / "many_problems.yaml")
    assert [(p.line, p.key) for p in problems] == [
        (3, "settings.timezone"),
        (5, "settings.http.per_host"),
        (8, "sources[0] (google-news).url"),
        (9, "sources[0] (google-news).interval"),
        (10, "sources[1] (google-news).name"),
        (12, "sources[1] (google-news).topics[0]"),
        (14, "topics[0] (clearview)"),
        (17, "routes[0].notifiers[0]"),
    ]


def test_error_message_lists_every_problem() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(DATA / "many_problems.yaml", {})
    assert len(str(info.value).splitlines()) == 8
    assert isinstance(info.value, ValueError)


def test_pydantic_messages_do_not_quote_the_input(tmp_path: Path) -> None:
    [problem] = problems_in_text(tmp_path, "settings:\n  default_interval: fortnightly\n")
    assert "fortnightly" not in problem.message


def test_unreadable_and_empty_files_are_problems(tmp_path: Path) -> None:
    [missing] = problems_of(tmp_path / "absent.yaml")
    assert "cannot read" in missing.message
    [empty] = problems_in_text(tmp_path, "# nothing here\n")
    assert (empty.line, empty.key) == (1, "")
    assert "empty" in empty.message


def test_recursive_alias_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = problems_in_text(tmp_path, "sources: &s\n  - *s\n")
    assert any("recursive" in p.message for p in problems)


def test_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = """\
defaults: &news {kind: news, interval: 30m}
sources:
  - <<: *news
    name: a
    url: https://example.com/a
"""
    [problem] = problems_in_text(tmp_path, text)
    assert (problem.line, problem.key) == (1, "defaults")  # only the unknown top-level key


# --- interpolation -------------------------------------------------------------------------

SOURCE_WITH = """\
sources:
  - name: feed
    url: {url}
"""


def test_interpolation_uses_the_environment(tmp_path: Path) -> None:
    text = SOURCE_WITH.format(url="https://${HOST}/rss?key=${KEY}")
    config = load_text(tmp_path, text, {"HOST": "example.org", "KEY": "k1"})
    assert config.sources[0].url == "https://example.org/rss?key=k1"


def test_interpolation_default_applies_when_unset_or_empty(tmp_path: Path) -> None:
    text = SOURCE_WITH.format(url="https://${HOST:-feeds.example.com}/rss")
    for env in ({}, {"HOST": ""}):
        assert load_text(tmp_path, text, env).sources[0].url == "https://feeds.example.com/rss"
    assert load_text(tmp_path, text, {"HOST": "x.org"}).sources[0].url == "https://x.org/rss"


def test_double_dollar_is_a_literal(tmp_path: Path) -> None:
    text = SOURCE_WITH.format(url="https://example.com/rss?q=$${HOST}")
    assert load_text(tmp_path, text, {"HOST": "x"}).sources[0].url == (
        "https://example.com/rss?q=${HOST}"
    )


def test_interpolation_in_non_string_fields(tmp_path: Path) -> None:
    text = "settings:\n  default_interval: ${POLL}\n  http:\n    per_host: ${PER_HOST:-4}\n"
    config = load_text(tmp_path, text, {"POLL": "5m"})
    assert config.settings.default_interval == timedelta(minutes=5)
    assert config.settings.http.per_host == 4


def test_missing_variable_names_it_with_line_and_key(tmp_path: Path) -> None:
    text = "settings:\n  timezone: UTC\n  database_url: postgresql://u:${DB_PASSWORD}@db/monitor\n"
    [problem] = problems_in_text(tmp_path, text)
    assert (problem.line, problem.key) == (3, "settings.database_url")
    assert problem.message == "environment variable DB_PASSWORD is not set"


def test_malformed_reference_is_a_problem(tmp_path: Path) -> None:
    [problem] = problems_in_text(tmp_path, SOURCE_WITH.format(url="https://x.org/${not valid}"))
    assert "malformed" in problem.message
    assert problem.line == 3


def test_env_defaults_to_os_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(SOURCE_WITH.format(url="https://${MONITOR_TEST_HOST}/rss"), encoding="utf-8")
    monkeypatch.setenv("MONITOR_TEST_HOST", "env.example.org")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config(path).sources[0].url == "https://env.example.org/rss"


# --- secrets -------------------------------------------------------------------------------

LEAKY = """\
settings:
  database_url: postgresql://monitor:${SECRET}@db/monitor
  default_interval: ${SECRET}
sources:
  - name: feed
    url: ${SECRET}
notifiers:
  - name: desk
    type: ${SECRET}
routes:
  - topic: ${SECRET}
    notifiers: [desk]
"""


def test_secret_never_appears_in_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, LEAKY, {"SECRET": SECRET})
    error = info.value
    assert len(error.problems) == 4
    shown = [str(error), repr(error), *(repr(p) for p in error.problems)]
    assert not [text for text in shown if SECRET in text]
    # No chained pydantic ValidationError (whose text quotes inputs) rides along in tracebacks.
    assert error.__cause__ is None
    assert error.__context__ is None


def test_secret_never_appears_in_repr(tmp_path: Path) -> None:
    text = "settings:\n  database_url: postgresql://monitor:${DB_PASSWORD}@db/monitor\n"
    config = load_text(tmp_path, text, {"DB_PASSWORD": SECRET})
    assert SECRET in config.settings.database_url
    for shown in (repr(config), str(config), repr(config.settings), str(config.settings)):
        assert SECRET not in shown
        assert "postgresql://***" in shown


# --- DATABASE_URL --------------------------------------------------------------------------

DB_YAML = "settings:\n  database_url: sqlite:///from-file.db\n"


def test_database_url_env_wins(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://monitor:{SECRET}@db/monitor"
    config = load_text(tmp_path, DB_YAML, {"DATABASE_URL": url})
    assert config.settings.database_url == url
    assert SECRET not in repr(config)


def test_empty_database_url_env_is_ignored(tmp_path: Path) -> None:
    config = load_text(tmp_path, DB_YAML, {"DATABASE_URL": ""})
    assert config.settings.database_url == "sqlite:///from-file.db"


# --- the shipped file ----------------------------------------------------------------------


def test_shipped_feeds_yaml_loads_without_environment() -> None:
    config = load_config(SHIPPED, {})
    assert config.settings.database_url == "sqlite:///monitor.db"
    assert [t.name for t in config.topics] == ["clearview"]
    topic = config.topics[0]
    # A query topic; what it keeps and leaves out is tested in test_match_clearview.py.
    assert topic.query and not topic.terms and "Clearview AI" in topic.aliases["company"]
    assert all(name in " ".join(topic.exclude) for name in ("ClearView Energy", "Township"))
    [pacer] = [s for s in config.sources if s.kind == "pacer"]
    assert (pacer.court, config.interval_for(pacer)) == ("ilnd", timedelta(minutes=10))
    assert config.effective_routes() == [Route(topic="clearview", notifiers=["console"])]


def test_shipped_feeds_yaml_comments_every_key() -> None:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    comments = "\n".join(line for line in lines if line.lstrip().startswith("#"))
    documented = {k for k in _model_keys() if re.search(rf"\b{k}\b", comments)}
    for above, line in pairwise(lines):
        key = re.match(r"\s*(?:- )?([a-z_]+):", line)
        if key and above.lstrip().startswith("#"):
            documented.add(key.group(1))
    assert sorted(_model_keys() - documented) == []


def _model_keys() -> set[str]:
    models: list[Any] = [Config, Settings, HttpSettings, Source, Topic, ConsoleNotifier, Route]
    return {name for model in models for name in model.model_fields}


# --- defaults and helpers ------------------------------------------------------------------


def test_effective_notifiers_and_routes_default_to_console() -> None:
    config = Config.model_validate(
        {"topics": [{"name": "a", "terms": ["x"]}, {"name": "b", "terms": ["y"]}]}
    )
    assert config.effective_notifiers() == [ConsoleNotifier(name="console", type="console")]
    assert config.effective_routes() == [
        Route(topic="a", notifiers=["console"]),
        Route(topic="b", notifiers=["console"]),
    ]


def test_effective_routes_fan_out_to_configured_notifiers() -> None:
    config = Config.model_validate(
        {
            "topics": [{"name": "a", "terms": ["x"]}],
            "notifiers": [{"name": "n1", "type": "console"}, {"name": "n2", "type": "console"}],
        }
    )
    assert config.effective_routes() == [Route(topic="a", notifiers=["n1", "n2"])]


def test_route_may_name_the_default_console_notifier(tmp_path: Path) -> None:
    text = "topics:\n  - {name: a, terms: [x]}\nroutes:\n  - {topic: a, notifiers: [console]}\n"
    assert load_text(tmp_path, text).effective_routes()[0].notifiers == ["console"]


def test_interval_and_backfill_fall_back_to_settings() -> None:
    config = Config.model_validate(
        {
            "settings": {"default_interval": "20m", "backfill": "none"},
            "sources": [
                {"name": "a", "url": "https://a.example/rss"},
                {"name": "b", "url": "https://b.example/rss", "interval": 60, "backfill": "2d"},
            ],
        }
    )
    a, b = config.sources
    assert config.interval_for(a) == timedelta(minutes=20)
    assert config.backfill_for(a) == Backfill(mode="none")
    assert config.interval_for(b) == timedelta(minutes=1)
    assert config.backfill_for(b) == Backfill(mode="days", days=timedelta(days=2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90", timedelta(seconds=90)),
        (90, timedelta(seconds=90)),
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("1.5h", timedelta(minutes=90)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_durations_parse(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["15 minutes", "-5m", "m", "", True, None, float("inf"), "9" * 20])
def test_bad_durations_raise_value_error(text: Any) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_zero_interval_is_rejected(tmp_path: Path) -> None:
    [problem] = problems_in_text(tmp_path, "settings:\n  default_interval: 0s\n")
    assert problem.message == "must be longer than zero"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("all", Backfill(mode="all")),
        ("none", Backfill(mode="none")),
        ("3d", Backfill(mode="days", days=timedelta(days=3))),
        ("12h", Backfill(mode="days", days=timedelta(hours=12))),
        (604800, Backfill(mode="days", days=timedelta(days=7))),  # seconds, like any duration
        ("259200", Backfill(mode="days", days=timedelta(days=3))),
        ({"mode": "all"}, Backfill(mode="all")),
    ],
)
def test_backfill_forms(value: Any, expected: Backfill) -> None:
    settings = Config.model_validate({"settings": {"backfill": value}}).settings
    assert settings.backfill == expected


@pytest.mark.parametrize("value", [90, "90", 7.5])
def test_a_backfill_that_meant_days_is_refused_pointing_at_the_change(
    value: Any, tmp_path: Path
) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(f"settings:\n  backfill: {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.key) == (2, "settings.backfill")
    assert "bare number is seconds here" in problem.message and "write 90d" in problem.message


# --- topic queries (monitor.match) ---------------------------------------------------------


def test_query_that_does_not_parse_names_topic_line_and_column(tmp_path: Path) -> None:
    text = "topics:\n  - name: cv\n    query: 'Clearview AND (fined OR sued'\n"
    [problem] = problems_in_text(tmp_path, text)
    assert (problem.line, problem.key) == (3, "topics[0] (cv).query")
    assert problem.message.splitlines() == [
        "this ( is never closed (column 15)",
        "  Clearview AND (fined OR sued",
        "                ^",
    ]


def test_query_error_in_a_block_scalar_points_at_its_line(tmp_path: Path) -> None:
    text = (
        "topics:\n  - name: cv\n    query: >-\n"
        '      "Clearview AI"\n      OR title:"Clearview fined\n      OR sued\n'
    )
    [problem] = problems_in_text(tmp_path, text)
    assert (problem.line, problem.key) == (5, "topics[0] (cv).query")
    assert problem.message.splitlines() == [
        "unclosed quote (column 10)",
        '  OR title:"Clearview fined',
        "           ^",
    ]


def test_exclude_and_alias_errors_name_their_item(tmp_path: Path) -> None:
    text = (
        "topics:\n  - name: a\n    query: Clearview\n    exclude:\n      - golf\n"
        "      - 'golf NEAR/x club'\n"
        "  - name: b\n    query: '@people'\n    aliases:\n      people:\n"
        "        - Hoan Ton-That\n        - '--'\n"
    )
    first, second = problems_in_text(tmp_path, text)
    assert (first.line, first.key) == (6, "topics[0] (a).exclude[1]")
    assert "NEAR needs a distance" in first.message and "\n       ^" in first.message
    assert (second.line, second.key) == (12, "topics[1] (b).aliases.people[1]")
    assert "at least one letter or digit" in second.message


def test_query_is_not_compiled_when_the_topic_has_other_problems(tmp_path: Path) -> None:
    text = "topics:\n  - name: a\n    query: '(x ${MISSING}'\n"
    [problem] = problems_in_text(tmp_path, text)
    assert "MISSING is not set" in problem.message


def test_workers_must_be_positive(tmp_path: Path) -> None:
    [problem] = problems_in_text(tmp_path, "settings:\n  workers: 0\n")
    assert (problem.line, problem.key) == (2, "settings.workers")
    assert "greater than 0" in problem.message
    assert load_text(tmp_path, "settings:\n  workers: 3\n").settings.workers == 3


def test_a_bad_webhook_url_from_the_environment_is_named_never_echoed(tmp_path: Path) -> None:
    text = "notifiers:\n  - name: desk\n    type: slack\n    webhook_url: ${SLACK_WEBHOOK_URL}\n"
    url = f"https://hooks.slack.com:99999/services/T1/B1/{SECRET}"
    [problem] = problems_in_text(tmp_path, text, {"SLACK_WEBHOOK_URL": url})
    assert (problem.line, problem.key) == (4, "notifiers[0] (desk).webhook_url")
    assert "https:// URL with a valid host and port" in problem.message
    assert SECRET not in str(problem) and "99999" not in str(problem)


@pytest.mark.parametrize(
    ("env", "key", "line", "words"),
    [
        (
            {"DATABASE_URL": f"postgresql://u:{SECRET}@db:abc/x"},
            "DATABASE_URL",
            None,
            "(environment variable) does not parse",
        ),
        ({"DATABASE_URL": SECRET}, "DATABASE_URL", None, "(environment variable) does not parse"),
        ({"DB": f"postgresql://u:{SECRET}@db:99999/x"}, "settings.database_url", 3, "port"),
    ],
)
def test_a_database_url_that_does_not_parse_is_named_never_echoed(
    tmp_path: Path, env: dict[str, str], key: str, line: int | None, words: str
) -> None:
    text = "settings:\n  timezone: UTC\n  database_url: ${DB:-sqlite:///x.db}\n"
    [problem] = problems_in_text(tmp_path, text, env)
    assert (problem.line, problem.key) == (line, key) and words in problem.message
    assert SECRET not in str(problem)


def test_check_config_rejects_a_digest_route_without_an_email_notifier(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "topics:\n  - {name: t, terms: [x]}\n"
        "notifiers:\n  - {name: desk, type: console}\n"
        "routes:\n  - {topic: t, notifiers: [desk], mode: digest, schedule: '0 8 * * *'}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.key) == (6, "routes[0].notifiers[0]")
    assert problem.message == "a digest route needs an email notifier; 'desk' is console"
