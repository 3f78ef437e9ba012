"""The vocabulary pages, the API and the lookup use to ask for errors."""

import operator
import re
from collections import Counter
from functools import reduce

from django.db import connection, models
from django.db.models import Case, F, FloatField, Prefetch, Q, Value, When
from django.db.models.functions import Greatest, Lower, Replace
from rapidfuzz import fuzz, process

from kb.versioning import kb_version

WORD = re.compile(r"\w+")

# Search results, best first; the page and the API both show them in this order.
# Entries without a status come last on every database (SQLite puts NULL first).
SEARCH_ORDER = (
    "-rank",
    F("http_status").asc(nulls_last=True),
    "code_key",
    "provider__position",
    "pk",
)

# How alike (rapidfuzz's ratio, 0-100) a word must be to a catalogue word to stand
# in for it: "limt" and "limit" score 89, "declned" and "declined" 93,
# "ratelimit" and "rate_limit" 95; "quota" and "query" only 40.
SPELLING_CUTOFF = 80

# The words of the published catalogue, for one version of it (see catalogue_words).
_vocabulary: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}


def may_see_drafts(user) -> bool:
    """Staff and editors (whoever may change or delete entries) see drafts, with a
    banner; everyone else sees published entries only. Querysets, pages and the page
    cache all ask here, so that no one of them lets a draft out."""
    return (
        user is not None
        and user.is_active
        and (
            user.is_staff
            or user.has_perm("kb.change_errorcode")
            or user.has_perm("kb.delete_errorcode")
        )
    )


def catalogue_words() -> tuple[tuple[str, ...], frozenset[str]]:
    """The words of the published codes, titles and quick answers, most frequent
    first, and the same as a set: what ``correct_spelling`` respells after.

    Read once per knowledge-base version and process, 0.1 to 0.2 s for 10,500
    entries. Drafts stay out, so a suggestion never shows a word of one."""
    version = kb_version()
    words = _vocabulary.get(version)
    if words is None:
        from kb.models import ErrorCode

        rows = ErrorCode.objects.published().values_list("code_key", "title", "summary")
        counts = Counter(WORD.findall(" ".join(" ".join(row) for row in rows).lower()))
        ranked = tuple(word for word, _count in counts.most_common())
        words = (ranked, frozenset(ranked))
        _vocabulary.clear()
        _vocabulary[version] = words
    return words


def as_status(text: str) -> int | None:
    """The HTTP status a query is ("429"), or None."""
    is_number = text.isascii() and text.isdigit()  # "²" is a digit to isdigit()
    return int(text) if is_number and 100 <= int(text) <= 599 else None


def correct_spelling(
    words: list[str], vocabulary: tuple[str, ...], known: frozenset[str]
) -> list[str]:
    """``words`` with each one the catalogue does not hold replaced by the most
    alike word it does, if one is alike enough; on a tie the more frequent wins.
    Short words and words with digits ("h12", "429") are codes, left alone."""
    corrected = []
    for word in words:
        if len(word) < 4 or word in known or any(c.isdigit() for c in word):
            corrected.append(word)
            continue
        match = process.extractOne(
            word, vocabulary, scorer=fuzz.ratio, score_cutoff=SPELLING_CUTOFF
        )
        corrected.append(match[0] if match else word)
    return corrected


class ErrorCodeQuerySet(models.QuerySet):
    def published(self):
        """Entries the public may see."""
        return self.filter(state="published")

    def curated(self):
        """Entries written by editors."""
        return self.filter(tier="curated")

    def reference(self):
        """Entries imported from the providers' own lists (facts only)."""
        return self.filter(tier="reference")

    def visible_to(self, user):
        """Everything for staff and editors (drafts get a banner), published entries
        otherwise."""
        return self if may_see_drafts(user) else self.published()

    def with_details(self):
        """Everything an error page or API detail shows, in a fixed number of
        queries: causes by likelihood, fixes easiest first, steps in order."""
        from kb.models import Cause, ErrorCode, Fix

        return self.select_related("provider", "category").prefetch_related(
            Prefetch(
                "causes", queryset=Cause.objects.order_by("-likelihood", "position")
            ),
            Prefetch(
                "fixes",
                queryset=Fix.objects.select_related("cause").order_by(
                    "difficulty", "position"
                ),
            ),
            "steps",
            "faqs",
            "notes",
            "examples",
            Prefetch(
                "related",
                queryset=ErrorCode.objects.published().select_related("provider"),
            ),
        )

    def by_natural_key(self, provider_slug: str, code: str):
        return self.filter(provider__slug=provider_slug, code_key=code.lower())

    def exact_code(self, query: str):
        """Entries whose code is exactly the query, ignoring case: "429", "H12",
        "card_declined", or qualified by provider as "stripe/card_declined" or
        "stripe card_declined". The search page redirects when there is one."""
        query = " ".join(query.split())
        for sep in ("/", " "):
            slug, found, code = query.partition(sep)
            if found and slug and code and sep not in code:
                qualified = self.by_natural_key(slug.lower(), code)
                if qualified.exists():
                    return qualified
        if not query or " " in query:
            return self.none()
        return self.filter(code_key=query.lower())

    def search(self, query: str):
        """Entries matching a free-text query, best first (``SEARCH_ORDER``),
        annotated with ``rank``; the search page and the API list them so.

        An exact code ranks first. Then, for a status ("429") or a concept a
        generic entry stands for ("rate limit", "bad gateway"), the generic entry
        (the HTTP registry's) before the providers' own ones; see ``_standing``. A
        query that is a status also finds the entries answered with it.

        On PostgreSQL, full-text search over the weighted ``search_vector`` (code
        and title A, quick answer B, meaning C, symptoms D) finds the entries
        holding all the words. Elsewhere every word must appear in the code, title
        or quick answer. When no entry holds them all, both try again with the words
        respelled after the catalogue's own ("rate limt" → "rate limit", see
        ``spelling``); failing that, any one of the words will do; and on
        PostgreSQL, failing that, trigram similarity on the code and the title
        (run-together words: "ratelimit"; SQLite reads codes run together).
        """
        query = " ".join(query.split())[:200]
        words = WORD.findall(query.lower())[:8]
        if not words:
            return self.none()
        if connection.vendor == "postgresql":
            return self._search_postgres(query, words)
        return self._search_substring(query.lower(), words)

    def spelling(self, query: str) -> str:
        """The query respelled after the published catalogue's own words ("rate
        limt" → "rate limit", "card declned" → "card declined"), or "" when there is
        nothing to respell. The search page offers it as "Did you mean"; the search
        falls back to it when the words as typed find nothing."""
        words = WORD.findall(" ".join(query.split())[:200].lower())[:8]
        respelled = correct_spelling(words, *catalogue_words())
        return " ".join(respelled) if respelled != words else ""

    def _standing(self, text: str, words: list[str]):
        """What ranks an entry before how well its text matches, on every database:
        the exact code (10); a generic entry (the HTTP registry's) whose status is
        the query, or whose code, title or category names every word of it (5:
        "rate limit" is the 429 entry's category, "bad gateway" the 502 entry's
        title); an entry answered with the status the query is (1); a curated
        entry rather than the imported reference entry for the same words (1).

        Not the quick answer: the 402 entry's mentions "a declined card", and
        "card declined" is Stripe's card_declined, not 402."""

        def points(condition, value: float):
            return Case(
                When(condition, then=Value(value)),
                default=Value(0.0),
                output_field=FloatField(),
            )

        concept = Q()
        for word in words:
            concept &= (
                Q(code_key__contains=word)
                | Q(title__icontains=word)
                | Q(category__name__icontains=word)
            )
        standing = points(Q(code_key=text), 10.0) + points(Q(tier="curated"), 1.0)
        if status := as_status(text):
            concept |= Q(http_status=status)
            standing += points(Q(http_status=status), 1.0)
        return standing + points(Q(provider__generic=True) & concept, 5.0)

    def _search_postgres(self, query: str, words: list[str]):
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            TrigramSimilarity,
            TrigramWordSimilarity,
        )

        # The vector holds the code under the 'simple' configuration and prose
        # under 'english', so each word is asked for in both.
        any_word = None
        for word in words:
            term = SearchQuery(word, config="simple") | SearchQuery(word)
            any_word = term if any_word is None else any_word | term
        all_words = SearchQuery(query, search_type="websearch")
        text = query.lower()
        rank = self._standing(text, words) + SearchRank(F("search_vector"), all_words)
        # Entries holding every word, when there are any: the GIN index finds them
        # and few rows need ranking, however large the catalogue. A status also
        # finds the entries answered with it (an index on http_status).
        strict = Q(search_vector=all_words) | Q(code_key=text)
        if status := as_status(text):
            strict |= Q(http_status=status)
        strict = self.filter(strict)
        # count(), not exists(): with LIMIT 1 the planner bets on a sequential scan
        # finding a row early, and loses badly when there is none.
        if strict.count():
            return strict.annotate(rank=rank).order_by(*SEARCH_ORDER)
        # A typo: the same search for the words respelled after the catalogue's own,
        # so that "rate limt" ranks as "rate limit" does (and as on SQLite).
        respelled = correct_spelling(words, *catalogue_words())
        if respelled != words:
            return self._search_postgres(" ".join(respelled), respelled)
        # Otherwise be forgiving, still through an index at each step: entries with
        # any of the words, else a code or title that looks like the query (typos,
        # run-together words). Look-alike scores break ties either way.
        fuzzy = rank + Greatest(
            TrigramSimilarity("code_key", text),
            TrigramWordSimilarity(text, "title_key"),
        )
        some = self.filter(search_vector=any_word)
        if some.count():
            return (
                some.alias(title_key=Lower("title"))
                .annotate(rank=fuzzy + SearchRank(F("search_vector"), any_word))
                .order_by(*SEARCH_ORDER)
            )
        return (
            self.alias(title_key=Lower("title"))
            .filter(
                Q(code_key__trigram_similar=text)
                | Q(title_key__trigram_word_similar=text)
            )
            .annotate(rank=fuzzy)
            .order_by(*SEARCH_ORDER)
        )

    def _search_substring(self, text: str, words: list[str]):
        found = self._containing(text, words)
        if found.exists():
            return found
        respelled = correct_spelling(words, *catalogue_words())
        if respelled != words:
            text, words = " ".join(respelled), respelled
            found = self._containing(text, words)
            if found.exists():
                return found
        return self._containing(text, words, every=False)

    def _containing(self, text: str, words: list[str], every: bool = True):
        """Entries holding every word (or, with ``every=False``, any) in the code,
        title or quick answer; a word counts 2 in the code, 1 in the title, 0.5 in
        the quick answer. A code is also read with its words run together
        ("carddeclined", "ratelimit"). A full table scan: about 10 ms for 10,500
        entries."""
        status = as_status(text)
        rank = self._standing(text, words)
        terms = []
        for word in words:
            in_code = Q(code_key__contains=word) | Q(code_run__contains=word)
            in_title = Q(title__icontains=word)
            in_summary = Q(summary__icontains=word)
            terms.append(in_code | in_title | in_summary)
            rank = rank + Case(
                When(in_code, then=Value(2.0)),
                When(in_title, then=Value(1.0)),
                When(in_summary, then=Value(0.5)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        if status:
            terms[0] |= Q(http_status=status)
        matches = reduce(operator.and_ if every else operator.or_, terms)
        return (
            self.alias(code_run=Replace("code_key", Value("_"), Value("")))
            .filter(matches)
            .annotate(rank=rank)
            .order_by(*SEARCH_ORDER)
        )


class ErrorPartQuerySet(models.QuerySet):
    """Causes, fixes, steps, FAQs, notes, signatures and examples: each belongs to
    one entry and is seen only by whoever may see that entry."""

    def visible_to(self, user):
        """The parts of the entries ``ErrorCode.objects.visible_to(user)`` holds."""
        return self if may_see_drafts(user) else self.filter(error__state="published")
