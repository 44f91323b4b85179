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
from functools import lru_cache
from typing import Any, Callable, Iterable, NamedTuple
from urllib.parse import urlparse

from lxml import etree

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


def _by_class(el: Any) -> int | None:
    """EL's wall strength when its tag or its wall class decides it, None when its links must."""
    tag = _tag(el)
    if not tag or tag in ("a", "html", "body", "head", "main"):
        return 0
    label = _label(el)
    if label and _WALL_CLASS_RE.search(label):
        return 2 if _text_len(el, WALL_BOX_MAX_CHARS) <= WALL_BOX_MAX_CHARS else 0
    if tag not in _BOX_TAGS:
        return 0
    return None


def _by_links(el: Any, kinds: set[str | None], password: bool) -> int:
    """A box's wall strength from the kinds of its links and whether it has a password field."""
    if not (kinds & {"login", "join"} or password):
        return 0
    if _text_len(el, WALL_BOX_MAX_CHARS) > WALL_BOX_MAX_CHARS:
        return 0
    return 2 if "login" in kinds or password else 1


def wall_strength_reference(el: Any) -> int:
    """:func:`wall_strength` as first written (a Python walk of every link and input): the
    reference its fast path is tested against."""
    strength = _by_class(el)
    if strength is not None:
        return strength
    kinds = {link_kind(a.get("href")) for a in el.iter("a")}
    password = any((i.get("type") or "").lower() == "password" for i in el.iter("input"))
    return _by_links(el, kinds, password)


def wall_boxes_reference(container: Any) -> list[tuple[Any, int]]:
    """:func:`wall_boxes` as first written (a Python walk of every element under CONTAINER)."""
    out: list[tuple[Any, int]] = []
    stack = [iter(container)]
    while stack:  # document order, without recursion
        for child in stack[-1]:
            if not isinstance(child.tag, str) or _tag(child) in _SKIP_TEXT_TAGS:
                continue
            strength = wall_strength_reference(child)
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


def _text_after_reference(el: Any, container: Any) -> int:
    """Visible text inside CONTAINER after EL in document order (EL's own text excluded)."""
    total = 0
    node = el
    while node is not None and node is not container:
        if node.tail:
            total += len(" ".join(node.tail.split()))
        for sib in node.itersiblings():
            if isinstance(sib.tag, str) and _tag(sib) not in _SKIP_TEXT_TAGS and not wall_strength_reference(sib):
                total += _text_len(sib)
            if sib.tail:
                total += len(" ".join(sib.tail.split()))
        node = node.getparent()
    return total


def _blurred_before_reference(el: Any, container: Any) -> bool:
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


def _select_reference(root: Any, css: str) -> list[Any]:
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


def gated_part_served_reference(root: Any, ld: dict | None) -> bool | None:
    """:func:`gated_part_served` as first written (a Python walk of the whole page)."""
    selectors = gated_selectors(ld)
    if not selectors:
        return None
    for css in selectors:
        if any(_text_len(e) >= GATED_TEXT_MIN for e in _select_reference(root, css)):
            return True
    return False


# ---------------------------------------------------------------- the fast path
# The ``*_reference`` functions above walk the page element by element in Python: on a real page
# that was ~40 % of a crawl's CPU. The fast path asks lxml for strings (every class/id value,
# every link's href) without building an element for each, looks for the words a wall rule
# needs in them at once, and only when one is there fetches the few elements that carry it and
# applies the exact rules above to those alone. tests/test_walls.py checks that both give the
# same on every fixture page and on crafted walls.

#: what ``re.I`` matches for an ASCII letter besides its two cases and what ``str.lower`` maps
#: to one (tests/test_walls.py checks every code point)
_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
#: words every match of _WALL_CLASS_RE holds (folded)
WALL_CLASS_WORDS = ("wall", "signage", "login", "signin", "meter", "premium", "gate", "member", "subscri", "piano", "tp-")
BLUR_CLASS_WORDS = ("blur",)
#: words every href :func:`link_kind` calls a log-in or join link holds (whitespace removed,
#: folded): a path word after its ``/`` or a host name with its dot
LINK_WORDS = ("/log", "/sign", "/regist", "/subscri", "/membership", "/join", "/create", "/plan", "/pricing",
              "member.", "members.", "membership.", "account.", "accounts.", "login.", "auth.", "id.",
              "subscribe.", "subscription.", "join.")

_LABELS = etree.XPath("descendant-or-self::*/@class | descendant-or-self::*/@id", smart_strings=False)
_HREFS = etree.XPath("descendant::a/@href", smart_strings=False)
#: elements whose class or id / links whose href is one of $values (joined by $sep)
_BY_LABEL = etree.XPath("descendant-or-self::*[contains($values, concat($sep, @class, $sep))"
                        " or contains($values, concat($sep, @id, $sep))]")
_LINKS_TO = etree.XPath("descendant::a[contains($values, concat($sep, @href, $sep))]")
_PASSWORD_TEST = "translate(@type, 'PASWORD', 'pasword') = 'password'"
_PASSWORDS = etree.XPath(f"descendant::input[{_PASSWORD_TEST}]")
_HAS_PASSWORD = etree.XPath(f"boolean(descendant::input[{_PASSWORD_TEST}])")
_BY_CLASS = etree.XPath("descendant-or-self::*[contains(@class, $name)]")
_BY_ID = etree.XPath("descendant-or-self::*[@id = $name]")

_link_kind = lru_cache(maxsize=2048)(link_kind)


class _Unreadable(Exception):
    """A string lxml will not take back as an XPath variable (a control character): the fast
    path gives way to the reference walk."""


def _fold(text: str) -> str:
    return (text if text.isascii() else text.translate(_FOLDS)).lower()


def _words_in(texts: Iterable[str], words: Iterable[str], strip: bool = False) -> list[str]:
    """WORDS in one of TEXTS (folded; whitespace removed first with STRIP). Joined, so a word
    may span two texts: a hint, never a verdict."""
    joined = "\0".join(texts)  # NUL: neither whitespace nor in a word
    if strip:
        joined = "".join(joined.split())
    joined = _fold(joined)
    return [w for w in words if w in joined]


#: (words, strip) -> {text: whether the text holds one of the words}: a site's class names and
#: template links repeat from page to page, so each is read once (a table is cleared when it
#: grows past _HINTS_MAX; ~0.1 ms a page on a real 300-element article)
_HINTS: dict[tuple[tuple[str, ...], bool], dict[str, bool]] = {}
_HINTS_MAX = 50_000


def _hinted(texts: list[str], words: Iterable[str], strip: bool = False) -> set[str]:
    """The distinct TEXTS holding one of WORDS (see :func:`_words_in`)."""
    words = tuple(words)
    known = _HINTS.get((words, strip))
    if known is None or len(known) > _HINTS_MAX:
        known = _HINTS[(words, strip)] = {}
    distinct = set(texts)
    new = [t for t in distinct if t not in known]
    if new:
        hits = _words_in(new, words, strip)  # the new texts read together: most hold no word
        for t in new:
            known[t] = bool(hits) and bool(_words_in([t], hits, strip))
    return {t for t in distinct if known[t]}


def _matching(el: Any, xpath: Any, values: Iterable[str], everything: list[str]) -> list[Any]:
    """XPATH's elements under EL whose string is one of VALUES; EVERYTHING: all the strings it
    reads there (the separator is a character none of them holds)."""
    joined = "".join(everything)
    sep = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in joined)
    try:
        return xpath(el, values=sep + sep.join(values) + sep, sep=sep)
    except ValueError as exc:
        raise _Unreadable from exc


def _labelled(el: Any, pattern: re.Pattern, words: Iterable[str]) -> list[Any]:
    """Elements of EL's subtree (EL included), in document order, whose label PATTERN finds."""
    labels = _LABELS(el)
    # PATTERN finds a label (class, space, id) when it finds its class or its id
    values = {v for v in _hinted(labels, words) if pattern.search(v)}
    if not values:
        return []
    return [e for e in _matching(el, _BY_LABEL, values, labels) if pattern.search(_label(e))]


def _path(el: Any, top: Any) -> list[int]:
    """EL's place under TOP (an ancestor): child indexes from TOP down; sorts in document order."""
    out = []
    while el is not top:
        parent = el.getparent()
        out.append(parent.index(el))
        el = parent
    return out[::-1]


def wall_strength(el: Any) -> int:
    """2: a wall box (wall class, or a box with a log-in link or a password field); 1: a box
    whose links only go to registration/subscription pages; 0: not a wall box. A wall box holds
    little text."""
    strength = _by_class(el)
    if strength is not None:
        return strength
    if not len(el):  # no child, no link
        return 0
    return _by_links(el, {_link_kind(href) for href in _HREFS(el)}, _HAS_PASSWORD(el))


def _wall_candidates(container: Any) -> list[Any]:
    """Every element under CONTAINER that may be a wall box (a superset), in document order."""
    found = {e: None for e in _labelled(container, _WALL_CLASS_RE, WALL_CLASS_WORDS) if e is not container}
    hrefs = _HREFS(container)
    triggers = _PASSWORDS(container)
    wanted = {h for h in _hinted(hrefs, LINK_WORDS, strip=True) if _link_kind(h)}
    if wanted:
        triggers += _matching(container, _LINKS_TO, wanted, hrefs)
    for trigger in triggers:  # the boxes around a log-in/join link or a password field
        for anc in trigger.iterancestors():
            if anc is container:
                break
            if _tag(anc) in _BOX_TAGS:
                found[anc] = None
    return sorted(found, key=lambda e: _path(e, container)) if len(found) > 1 else list(found)


def wall_boxes(container: Any) -> list[tuple[Any, int]]:
    """The outermost wall boxes under CONTAINER (an lxml element), with their strength."""
    try:
        candidates = _wall_candidates(container)
    except _Unreadable:
        return wall_boxes_reference(container)
    out: list[tuple[Any, int]] = []
    boxes: set[Any] = set()
    for el in candidates:
        if _tag(el) in _SKIP_TEXT_TAGS:
            continue
        # the walk reaches EL only through ancestors that are neither boxes nor skipped
        if any(anc in boxes or _tag(anc) in _SKIP_TEXT_TAGS for anc in _ancestors_below(el, container)):
            continue
        strength = wall_strength(el)
        if strength:
            out.append((el, strength))
            boxes.add(el)
    return out


def _ancestors_below(el: Any, top: Any) -> Iterable[Any]:
    for anc in el.iterancestors():
        if anc is top:
            return
        yield anc


def _text_after(el: Any, container: Any) -> int:
    """Visible text inside CONTAINER after EL in document order (EL's own text excluded),
    counted until it passes TEXT_AFTER_WALL_MAX."""
    total = 0
    node = el
    while node is not None and node is not container:
        if node.tail:
            total += _norm_len(node.tail)
        for sib in node.itersiblings():
            if total > TEXT_AFTER_WALL_MAX:
                return total
            if isinstance(sib.tag, str) and _tag(sib) not in _SKIP_TEXT_TAGS:
                size = _text_len(sib, TEXT_AFTER_WALL_MAX)
                if size and not wall_strength(sib):
                    total += size
            total += _norm_len(sib.tail)
        node = node.getparent()
    return total


def _blurred_before(el: Any, container: Any) -> bool:
    """A blurred teaser paragraph right before EL (or anywhere in the body before it)."""
    try:
        blurred = _labelled(container, _BLUR_CLASS_RE, BLUR_CLASS_WORDS)
    except _Unreadable:
        return _blurred_before_reference(el, container)
    if not blurred:
        return False
    place = _path(el, container)
    return any(_path(p, container) < place and _text_len(p, 0) for p in blurred)


def _select(root: Any, css: str) -> list[Any]:
    """:func:`_select_reference` with the ``.class`` and ``#id`` cases found by lxml."""
    if not _SIMPLE_CSS_RE.match(css) or css[0] not in ".#":
        return _select_reference(root, css)
    name = css[1:]
    if css[0] == "#":
        return _BY_ID(root, name=name)
    return [e for e in _BY_CLASS(root, name=name) if name in (e.get("class") or "").split()]


def gated_part_served(root: Any, ld: dict | None) -> bool | None:
    """True: the JSON-LD gated part is on the page with text; False: it is missing or empty;
    None: the page has no such markup."""
    selectors = gated_selectors(ld)
    if not selectors:
        return None
    for css in selectors:
        if any(_text_len(e, GATED_TEXT_MIN) >= GATED_TEXT_MIN for e in _select(root, css)):
            return True
    return False


def _siblings_after(container: Any) -> Iterable[Any]:
    for sib in container.itersiblings():
        if isinstance(sib.tag, str) and _tag(sib) not in _SKIP_TEXT_TAGS:
            yield sib


class _Rules(NamedTuple):
    boxes: Callable[[Any], list[tuple[Any, int]]]
    strength: Callable[[Any], int]
    text_after: Callable[[Any, Any], int]
    blurred_before: Callable[[Any, Any], bool]
    served: Callable[[Any, dict | None], bool | None]
    text_len: Callable[[Any], int]


_FAST = _Rules(wall_boxes, wall_strength, _text_after, _blurred_before, gated_part_served, lambda el: _text_len(el, 0))
_REFERENCE = _Rules(wall_boxes_reference, wall_strength_reference, _text_after_reference, _blurred_before_reference,
                    gated_part_served_reference, _text_len)


def body_truncated(root: Any, container: Any | None, ld: dict | None = None) -> bool | None:
    """Whether the page says its body is cut short behind a wall (see the module docstring).

    ROOT: the page's root element; CONTAINER: the body element (None when unknown); LD: the
    page's JSON-LD article object."""
    return _truncated(_FAST, root, container, ld)


def body_truncated_reference(root: Any, container: Any | None, ld: dict | None = None) -> bool | None:
    """:func:`body_truncated` with the ``*_reference`` walks: what the fast path is tested against."""
    return _truncated(_REFERENCE, root, container, ld)


def _truncated(rules: _Rules, root: Any, container: Any | None, ld: dict | None) -> bool | None:
    if container is not None:
        for box, strength in rules.boxes(container):
            if rules.text_after(box, container) > TEXT_AFTER_WALL_MAX:
                continue  # a promo in the middle: the article goes on after it
            if strength == 2 or rules.blurred_before(box, container):
                return True
        # a wall right after the body container (the first element that follows it)
        for sib in _siblings_after(container):
            strength = rules.strength(sib)
            parent = container.getparent()
            if strength == 2 or (strength == 1 and parent is not None and rules.blurred_before(sib, parent)):
                return True
            if rules.text_len(sib):
                break
    # the gated part inside the body container answers for the page (the page holds it too);
    # the whole page is asked only when the container does not have it with text
    served = rules.served(container, ld) if container is not None else None
    if served is not True:
        served = rules.served(root, ld)
    if served is False and (container is None or rules.text_len(container)):
        return True
    if served is True:
        return False
    return None
