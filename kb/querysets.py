"""The vocabulary pages, the API and the lookup use to ask for errors."""

import re

from django.db import connection, models
from django.db.models import Case, F, FloatField, Prefetch, Q, Value, When
from django.db.models.functions import Greatest, Lower


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
        """Entries matching a free-text query, best first, annotated with ``rank``.

        An exact code ranks first. On PostgreSQL, full-text search over the
        weighted ``search_vector`` (code and title A, quick answer B, meaning C,
        symptoms D) finds the entries holding all the words; when none does, those
        holding any of them; when none does, trigram similarity on the code and
        the title (typos and run-together words: "ThrottlingExeption", "ratelimit").
        Elsewhere every word must appear in the code, title or quick answer.
        """
        query = " ".join(query.split())[:200]
        words = re.findall(r"\w+", query.lower())[:8]
        if not words:
            return self.none()
        # An exact code first; among equals, the curated entry before the imported
        # reference entry for the same words.
        exact = Case(
            When(code_key=query.lower(), then=Value(10.0)),
            default=Value(0.0),
            output_field=FloatField(),
        ) + Case(
            When(tier="curated", then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        if connection.vendor == "postgresql":
            return self._search_postgres(query, words, exact)
        return self._search_substring(words, exact)

    def _search_postgres(self, query: str, words: list[str], exact):
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
        rank = exact + SearchRank(F("search_vector"), all_words)
        # Entries holding every word, when there are any: the GIN index finds them
        # and few rows need ranking, however large the catalogue.
        strict = self.filter(Q(search_vector=all_words) | Q(code_key=text))
        # count(), not exists(): with LIMIT 1 the planner bets on a sequential scan
        # finding a row early, and loses badly when there is none.
        if strict.count():
            return strict.annotate(rank=rank).order_by(
                "-rank", "http_status", "code_key"
            )
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
                .order_by("-rank", "http_status", "code_key")
            )
        return (
            self.alias(title_key=Lower("title"))
            .filter(
                Q(code_key__trigram_similar=text)
                | Q(title_key__trigram_word_similar=text)
            )
            .annotate(rank=fuzzy)
            .order_by("-rank", "http_status", "code_key")
        )

    def _search_substring(self, words: list[str], exact):
        matches = Q()
        rank = exact
        for word in words:
            in_code, in_title = Q(code_key__contains=word), Q(title__icontains=word)
            matches &= in_code | in_title | Q(summary__icontains=word)
            rank = rank + Case(
                When(in_code, then=Value(2.0)),
                When(in_title, then=Value(1.0)),
                default=Value(0.5),
                output_field=FloatField(),
            )
        return (
            self.filter(matches)
            .annotate(rank=rank)
            .order_by("-rank", "http_status", "code_key")
        )


class ErrorPartQuerySet(models.QuerySet):
    """Causes, fixes, steps, FAQs, notes, signatures and examples: each belongs to
    one entry and is seen only by whoever may see that entry."""

    def visible_to(self, user):
        """The parts of the entries ``ErrorCode.objects.visible_to(user)`` holds."""
        return self if may_see_drafts(user) else self.filter(error__state="published")
