"""Login and pay walls: is the body on the page the whole article? (pure; no Scrapy).

A page behind a wall shows the first paragraphs and then, where the rest of the text would
be, a box asking the reader to log in, register or subscribe. Walls change their wording, so
this module reads their *structure*:

* a **wall box** is an element inside (or right after) the body container that carries a
  wall class (``paywall``, ``regwall``, ``login-signage`` …), a log-in link (``/login``,
  ``/auth/login``, ``/signin``), or a password field; a box whose only links go to a
  registration or subscription page (``/regist``, ``/subscribe``, ``member.`` hosts) is a
  *weak* wall box: a promo as often as a wall;
* a **blurred teaser**: a paragraph marked ``blur``/``blurred`` (the last lines the wall lets
  through, shown blurred);
* the JSON-LD paywall markup (``hasPart`` with ``isAccessibleForFree: false`` and a
  ``cssSelector``): when the page has no element for that selector, or an empty one, the gated
  part was not served. ``isAccessibleForFree`` alone proves nothing (sites with the whole text
  in the page say false too).

:func:`body_truncated` gives True when the page says the text was cut (a strong wall box with no
body text after it; a weak one after a blurred teaser; the gated JSON-LD part missing), False
when the gated part is on the page with its text, and None when the page says nothing. A site
that knows its layout may turn None into False.
"""
from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import urlparse

#: class/id words of a wall box (whole words between ``-``/``_``/spaces; ``paywalled-content``,
#: which holds the gated text itself on some sites, is not one)
_WALL_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:"
    r"pay-?wall|reg-?wall|login-?wall|registration-?wall|subscri(?:be|ption)-?wall|hard-?wall|"
    r"login-?signage|signage|login-?(?:box|prompt|gate|required)|signin-?(?:box|prompt)|"
    r"meter(?:ed)?-?(?:wall|gate|box)|premium-?(?:gate|wall|lock)|content-?gate|article-?gate|"
    r"members?-?only|member(?:ship)?-?(?:gate|wall|lock)|subscribers?-?only|"
    r"piano-?(?:offer|paywall|template)|tp-(?:container|modal)"
    r")(?:$|[\s_-])",
    re.I,
)
_BLUR_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:blur|blurred|blurry)(?:$|[\s_-])", re.I)
#: a log-in link: the reader has an account and is asked to use it
_LOGIN_PATH_RE = re.compile(r"/(?:auth/|account/|accounts/|users?/|member/)?(?:log-?in|sign-?in)(?:[/?#.]|$)", re.I)
#: a registration or subscription link
_JOIN_PATH_RE = re.compile(
    r"/(?:regist(?:er|ration)?|sign-?up|subscribe|subscription|subscriptions|membership|join|"
    r"create-?account|account/create|plans?|pricing)(?:[/?#.]|$)",
    re.I,
)
_AUTH_HOST_RE = re.compile(r"^(?:member|members|membership|account|accounts|login|auth|id|subscribe|subscription|join)\.", re.I)
_SKIP_TEXT_TAGS = {"script", "style", "noscript", "template", "iframe", "svg"}

#: most text a wall box holds (a real sign-up box is a few short lines)
WALL_BOX_MAX_CHARS = 700
#: text after a wall box, inside the body, that means the article goes on (a mid-article promo)
TEXT_AFTER_WALL_MAX = 80
#: text the gated part must hold to count as served
GATED_TEXT_MIN = 40


def _tag(el: Any) -> str:
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def _label(el: Any) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".strip()


def _norm_len(text: str | None) -> int:
    return len(" ".join(text.split())) if text else 0


def _text_len(el: Any, limit: int | None = None) -> int:
    """Characters of visible text in EL (scripts and styles excluded), whitespace collapsed;
    counting stops once past LIMIT."""
    if _tag(el) in _SKIP_TEXT_TAGS:
        return 0
    total = 0
    stack = [el]
    while stack:  # a loop, not recursion: pages nest deep
        if limit is not None and total > limit:
            break
        node = stack.pop()
        total += _norm_len(node.text)
        for child in node:
            total += _norm_len(child.tail)
            if isinstance(child.tag, str) and _tag(child) not in _SKIP_TEXT_TAGS:
                stack.append(child)
    return total


def link_kind(href: str | None) -> str | None:
    """'login' for a log-in link, 'join' for a registration/subscription link, else None."""
    if not href:
        return None
    href = "".join(href.split())
    try:
        parts = urlparse(href)
    except ValueError:
        return None
    path = parts.path or "/"
    if _LOGIN_PATH_RE.search(path):
        return "login"
    if _JOIN_PATH_RE.search(path) or (parts.netloc and _AUTH_HOST_RE.match(parts.netloc)):
        return "join"
    return None


#: elements that can be a box (links decide only for these; a paragraph or a span with a log-in
#: link in its sentence is text)
_BOX_TAGS = {"div", "section", "aside", "form", "ul", "ol", "dl", "table", "article", "details", "dialog", "footer"}


def wall_strength(el: Any) -> int:
    """2: a wall box (wall class, or a box with a log-in link or a password field); 1: a box
    whose links only go to registration/subscription pages; 0: not a wall box. A wall box holds
    little text."""
    tag = _tag(el)
    if not tag or tag in ("a", "html", "body", "head", "main"):
        return 0
    label = _label(el)
    if label and _WALL_CLASS_RE.search(label):
        return 2 if _text_len(el, WALL_BOX_MAX_CHARS) <= WALL_BOX_MAX_CHARS else 0
    if tag not in _BOX_TAGS:
        return 0
    kinds = {link_kind(a.get("href")) for a in el.iter("a")}
    password = any((i.get("type") or "").lower() == "password" for i in el.iter("input"))
    if not (kinds & {"login", "join"} or password):
        return 0
    if _text_len(el, WALL_BOX_MAX_CHARS) > WALL_BOX_MAX_CHARS:
        return 0
    return 2 if "login" in kinds or password else 1


def wall_boxes(container: Any) -> list[tuple[Any, int]]:
    """The outermost wall boxes under CONTAINER (an lxml element), with their strength."""
    out: list[tuple[Any, int]] = []
    stack = [iter(container)]
    while stack:  # document order, without recursion
        for child in stack[-1]:
            if not isinstance(child.tag, str) or _tag(child) in _SKIP_TEXT_TAGS:
                continue
            strength = wall_strength(child)
            if strength:
                out.append((child, strength))
                continue
            stack.append(iter(child))
            break
        else:
            stack.pop()
    return out


def is_blurred(el: Any) -> bool:
    label = _label(el)
    return bool(label and _BLUR_CLASS_RE.search(label))


def _text_after(el: Any, container: Any) -> int:
    """Visible text inside CONTAINER after EL in document order (EL's own text excluded)."""
    total = 0
    node = el
    while node is not None and node is not container:
        if node.tail:
            total += len(" ".join(node.tail.split()))
        for sib in node.itersiblings():
            if isinstance(sib.tag, str) and _tag(sib) not in _SKIP_TEXT_TAGS and not wall_strength(sib):
                total += _text_len(sib)
            if sib.tail:
                total += len(" ".join(sib.tail.split()))
        node = node.getparent()
    return total


def _blurred_before(el: Any, container: Any) -> bool:
    """A blurred teaser paragraph right before EL (or anywhere in the body before it)."""
    for p in container.iter():
        if p is el:
            break
        if isinstance(p.tag, str) and is_blurred(p) and _text_len(p):
            return True
    return False


def gated_selectors(ld: dict | None) -> list[str]:
    """CSS selectors of the JSON-LD ``hasPart`` elements marked ``isAccessibleForFree: false``."""
    if not isinstance(ld, dict):
        return []
    parts = ld.get("hasPart")
    parts = parts if isinstance(parts, list) else [parts]
    out: list[str] = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        free = part.get("isAccessibleForFree")
        if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
            css = part.get("cssSelector")
            for one in (css if isinstance(css, list) else [css]):
                if isinstance(one, str):
                    out += [s.strip() for s in one.split(",") if s.strip()]
    return out


_SIMPLE_CSS_RE = re.compile(r"^[.#]?[A-Za-z_][\w-]*$")


def _select(root: Any, css: str) -> list[Any]:
    """Elements for a simple ``.class`` / ``#id`` / ``tag`` selector (what paywall markup uses);
    anything else through cssselect when it is installed, else nothing."""
    if _SIMPLE_CSS_RE.match(css):
        if css.startswith("."):
            name = css[1:]
            return [e for e in root.iter() if isinstance(e.tag, str) and name in (e.get("class") or "").split()]
        if css.startswith("#"):
            return [e for e in root.iter() if isinstance(e.tag, str) and e.get("id") == css[1:]]
        return [e for e in root.iter() if _tag(e) == css.lower()]
    try:
        return list(root.cssselect(css))
    except Exception:  # noqa: BLE001 - an unreadable selector is no evidence
        return []


def gated_part_served(root: Any, ld: dict | None) -> bool | None:
    """True: the JSON-LD gated part is on the page with text; False: it is missing or empty;
    None: the page has no such markup."""
    selectors = gated_selectors(ld)
    if not selectors:
        return None
    for css in selectors:
        if any(_text_len(e) >= GATED_TEXT_MIN for e in _select(root, css)):
            return True
    return False


def _siblings_after(container: Any) -> Iterable[Any]:
    for sib in container.itersiblings():
        if isinstance(sib.tag, str) and _tag(sib) not in _SKIP_TEXT_TAGS:
            yield sib


def body_truncated(root: Any, container: Any | None, ld: dict | None = None) -> bool | None:
    """Whether the page says its body is cut short behind a wall (see the module docstring).

    ROOT: the page's root element; CONTAINER: the body element (None when unknown); LD: the
    page's JSON-LD article object."""
    if container is not None:
        for box, strength in wall_boxes(container):
            if _text_after(box, container) > TEXT_AFTER_WALL_MAX:
                continue  # a promo in the middle: the article goes on after it
            if strength == 2 or _blurred_before(box, container):
                return True
        # a wall right after the body container (the first element that follows it)
        for sib in _siblings_after(container):
            strength = wall_strength(sib)
            parent = container.getparent()
            if strength == 2 or (strength == 1 and parent is not None and _blurred_before(sib, parent)):
                return True
            if _text_len(sib):
                break
    served = gated_part_served(root, ld)
    if served is False and (container is None or _text_len(container)):
        return True
    if served is True:
        return False
    return None
