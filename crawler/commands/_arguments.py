"""``-a NAME=VALUE`` checked before a run starts (``scrapy crawl`` and ``scrapy crawlall``).

A bad value (``since`` that is not a real date, an unknown edition, a seed URL without a
scheme, a missing ``urls_file``) or a name no spider of the run takes stops the run before any
request, with one line naming the argument and what it allows, and the usage exit code 2.
Each spider class says what it takes (``NewsSpider.arguments`` / ``argument_problem``).
Under ``crawlall`` an argument goes to the spiders that take it; a name none of them takes is
refused.
"""
from __future__ import annotations

from typing import Any

from crawler.reliability import mask_secrets

#: exit code of a usage error (as Scrapy's own UsageError, argparse and getopt tools)
EX_USAGE = 2


def _takes(spidercls, name: str) -> bool:
    arguments = getattr(spidercls, "arguments", None)
    return arguments is None or name in arguments or name.startswith("_")


def arguments_problem(spider_classes: dict[str, type], spargs: dict[str, Any]) -> str | None:
    """One line saying what is wrong with SPARGS for the named spider classes, or None."""
    for name in spargs:
        if not any(_takes(cls, name) for cls in spider_classes.values()):
            if len(spider_classes) == 1:
                cls = next(iter(spider_classes.values()))
                return cls.arguments_problem({name: spargs[name]})
            known = sorted({a for cls in spider_classes.values() for a in (getattr(cls, "arguments", None) or {})})
            return (f"-a {name}={mask_secrets(str(spargs[name]))}: unknown argument; the spiders of this run take "
                    f"{', '.join(known)}")
    for cls in spider_classes.values():
        check = getattr(cls, "arguments_problem", None)
        if check is None:
            continue
        problem = check(spider_kwargs(cls, spargs))
        if problem:
            return problem
    return None


def spider_kwargs(spidercls, spargs: dict[str, Any]) -> dict[str, Any]:
    """The arguments of SPARGS that SPIDERCLS takes."""
    return {k: v for k, v in spargs.items() if _takes(spidercls, k)}
