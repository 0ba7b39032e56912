"""The build a page is compared with, and how old the page's build is (issue 18; pure).

A stale build is a page whose build id differs from the portal's current one. Which id is
"current" depends on the reference the report could use, best first:

``build_url``
    the embed's ``data-build-url``: a URL of the portal itself answering its current build id,
    fetched by the probe with ``cache: "no-store"`` (payload ``build.reference``);
``deploy_hook``
    the portal's deploy history kept by browsercheck (``POST /api/v1/builds``,
    ``browsercheck builds set``): its latest build, for a report from the portal's page;
``setting``
    ``BROWSERCHECK_BUILD_ID`` (default: a hash of the collector's own assets), answered by
    ``GET /api/v1/build``: right for the check page, and for the portal only when an operator
    copies each deploy's id into it.

The deploy history also dates the page's build: "this tab runs the build of 3 days ago; the
portal has had 2 deploys since" (:func:`age_sentence`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from babel import Locale
from babel.dates import format_timedelta

from .models import LANGUAGES, Text

ReferenceKind = Literal["build_url", "deploy_hook", "setting"]
REFERENCE_KINDS: tuple[str, ...] = ("build_url", "deploy_hook", "setting")


@dataclass(frozen=True, slots=True)
class Deploy:
    """One deploy of the portal: its build id and when it went live."""

    build: str
    deployed_at: datetime


@dataclass(frozen=True, slots=True)
class BuildReference:
    """The build a report's page is compared with: where it came from (``kind``), its id
    (``current``; None when nothing said) and the portal's deploy history (oldest first)."""

    kind: ReferenceKind
    current: str | None
    deploys: tuple[Deploy, ...] = ()


@dataclass(frozen=True, slots=True)
class BuildAge:
    """When the page's build went live and how many deploys followed it."""

    deployed_at: datetime
    age: timedelta
    deploys_since: int


def resolve_reference(data: Mapping[str, Any], deploys: Sequence[Deploy] = ()) -> BuildReference:
    """Pick the reference for the validated probe ``data`` given the portal's ``deploys``
    (oldest first; those of the page's site, see webapp/builds.py).

    The portal's own answer (``build.reference == "build_url"``) wins; then, for a report made
    on the portal's page (the embed sets ``page``), the latest deploy; else the collector's
    ``build.current`` (``BROWSERCHECK_BUILD_ID``). Never raises.
    """
    build = data.get("build") if isinstance(data.get("build"), Mapping) else {}
    build = build or {}
    current = build.get("current") if isinstance(build.get("current"), str) else None
    history = tuple(deploys)
    if build.get("reference") == "build_url" and current:
        return BuildReference("build_url", current, history)
    if history and data.get("page"):
        return BuildReference("deploy_hook", history[-1].build, history)
    return BuildReference("setting", current, history)


def build_age(reference: BuildReference, page: str | None, now: datetime) -> BuildAge | None:
    """How old build ``page`` is at ``now`` by the reference's deploy history: its latest
    deploy and the deploys after it; None when the history does not know it."""
    for index in range(len(reference.deploys) - 1, -1, -1):
        deploy = reference.deploys[index]
        if deploy.build == page:
            age = max(now - deploy.deployed_at, timedelta(0))
            return BuildAge(deploy.deployed_at, age, len(reference.deploys) - index - 1)
    return None


#: How many times the portal was updated ("раз", "рази", "разів"), by Ukrainian plural form.
_TIMES_UK = {"one": "раз", "few": "рази", "many": "разів", "other": "разу"}


def _times(count: int, lang: str) -> str:
    if lang == "uk":
        return f"{count} {_TIMES_UK[Locale('uk').plural_form(count)]}"
    return f"{count} deploy" if count == 1 else f"{count} deploys"


#: A deploy of the last minute: babel would say "1 second ago" (or "in 2 seconds" for a clock
#: a little ahead), which reads as a glitch.
_JUST_NOW = {"uk": "менше хвилини тому", "en": "less than a minute ago"}


def _ago(age: timedelta, lang: str) -> str:
    if age < timedelta(minutes=1):
        return _JUST_NOW[lang]
    # babel picks the unit and the plural form: "3 дні тому", "5 днів тому", "1 day ago"
    return format_timedelta(-age, locale=lang, add_direction=True, threshold=1.0)


def age_sentence(reference: BuildReference, page: str, now: datetime) -> Text:
    """ "This tab runs the build of 3 days ago; the portal has had 2 deploys since", in every
    language; without a dated deploy of ``page``, the two build ids instead."""
    age = build_age(reference, page, now)
    current = reference.current or "?"
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        if age is None:
            texts[lang] = (
                f"Ця вкладка працює на версії {page}, а портал — уже на {current}."
                if lang == "uk"
                else f"This tab runs build {page}; the portal runs {current}."
            )
        elif age.deploys_since == 0:  # the history has not heard of the portal's current build
            texts[lang] = (
                f"Ця вкладка працює на версії, випущеній {_ago(age.age, lang)} ({page}), а портал "
                f"— уже на {current}."
                if lang == "uk"
                else f"This tab runs the build of {_ago(age.age, lang)} ({page}); the portal runs "
                f"{current}."
            )
        elif lang == "uk":
            texts[lang] = (
                f"Ця вкладка працює на версії, випущеній {_ago(age.age, lang)} ({page}); "
                f"відтоді портал оновлювали {_times(age.deploys_since, lang)} "
                f"(тепер {current})."
            )
        else:
            texts[lang] = (
                f"This tab runs the build of {_ago(age.age, lang)} ({page}); the portal has had "
                f"{_times(age.deploys_since, lang)} since (now {current})."
            )
    return Text(**texts)


#: What each reference is, said to the user (the desk also sees the id in the evidence).
REFERENCE_TEXT: dict[str, Text] = {
    "build_url": Text(
        "Звірено з поточною версією, яку повідомляє сам портал.",
        "Compared with the current build the portal itself reports.",
    ),
    "deploy_hook": Text(
        "Звірено з останнім оновленням порталу, записаним у browsercheck.",
        "Compared with the portal's last deploy recorded in browsercheck.",
    ),
    "setting": Text(
        "Звірено з версією, указаною в налаштуваннях browsercheck.",
        "Compared with the build set in browsercheck's settings.",
    ),
}


def build_evidence(reference: BuildReference, page: str, now: datetime) -> dict[str, Any]:
    """What the stale-build finding carries for the desk: the reference, both ids, and the
    page's deploy time and the deploys since when the history knows them."""
    age = build_age(reference, page, now)
    out: dict[str, Any] = {"reference": reference.kind, "page": page, "current": reference.current}
    if age is not None:
        out["page_deployed_at"] = age.deployed_at.isoformat()
        out["age_seconds"] = int(age.age.total_seconds())
        out["deploys_since"] = age.deploys_since
    return out


#: Findings whose cause the one-click repair removes (the check page and the embed offer it).
REPAIRABLE: frozenset[str] = frozenset(
    {"stale_build", "service_worker_outdated", "stale_build_assets"}
)


def _count(count: int, forms: dict[str, str], lang: str) -> str:
    form = Locale(lang).plural_form(count)
    return f"{count} {forms.get(form) or forms['other']}"


_CACHES = {
    "uk": {"one": "кеш", "few": "кеші", "many": "кешів", "other": "кешу"},
    "en": {"one": "cache", "other": "caches"},
}
_KEYS = {
    "uk": {
        "one": "збережений запис",
        "few": "збережені записи",
        "many": "збережених записів",
        "other": "збереженого запису",
    },
    "en": {"one": "saved entry", "other": "saved entries"},
}


def repair_summary(repair: Mapping[str, Any], build_now: str | None, worked: bool) -> Text:
    """ "Repaired: build A -> build C; removed the stored copy of the site and 2 caches", or what
    did not work, from the payload's ``repair`` (what the first check's page removed) and the
    build the page runs after the reload."""
    removed = repair.get("removed") if isinstance(repair.get("removed"), Mapping) else {}
    removed = removed or {}
    failed = [str(x) for x in repair.get("failed") or ()]
    before = str(repair.get("build") or "?")
    after = build_now or "?"
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        parts = []
        if removed.get("serviceWorkers"):
            parts.append(
                "збережену версію сайту" if lang == "uk" else "the stored copy of the site"
            )
        if removed.get("caches"):
            parts.append(_count(int(removed["caches"]), _CACHES[lang], lang))
        if removed.get("storage"):
            parts.append(_count(len(removed["storage"]), _KEYS[lang], lang))
        if lang == "uk":
            what = "видалено " + ", ".join(parts) if parts else "нічого не видалено"
            head = "Виправлено" if worked else "Виправлення не допомогло"
            text = f"{head}: версія {before} → {after}; {what}."
            if failed:
                text += (
                    " Не вдалося: " + ", ".join(_FAILED[f].uk for f in failed if f in _FAILED) + "."
                )
        else:
            what = "removed " + ", ".join(parts) if parts else "nothing removed"
            head = "Repaired" if worked else "The repair did not help"
            text = f"{head}: build {before} → build {after}; {what}."
            if failed:
                text += " Failed: " + ", ".join(_FAILED[f].en for f in failed if f in _FAILED) + "."
        texts[lang] = text
    return Text(**texts)


#: What the repair could not remove (payload ``repair.failed``).
_FAILED = {
    "serviceWorkers": Text(
        "прибрати збережену версію сайту", "removing the stored copy of the site"
    ),
    "caches": Text("очистити кеші сайту", "deleting the site's caches"),
    "storage": Text("видалити збережені записи", "removing the saved entries"),
}
