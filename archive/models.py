"""The archive's data: works, their language versions (documents), sections, clauses, signatories.

A *work* is one text independent of language (Akoma Ntoso's "work"); a *document* is one language
version of it ("expression"). A clause is cited by work slug + label, the same in every language.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    JOINT_STATEMENT = "joint-statement", _("Joint statement")
    DECLARATION = "declaration", _("Declaration")
    JOINT_PRESS_RELEASE = "joint-press-release", _("Joint press release")
    CHAIRS_STATEMENT = "chairs-statement", _("Chair's statement")
    PRESS_RELEASE = "press-release", _("Press release")
    ROADMAP = "roadmap", _("Roadmap")
    ACTION_PLAN = "action-plan", _("Action plan")
    OTHER = "other", _("Other")


class Country(models.Model):
    """A participating state, by ISO 3166-1 alpha-2 code."""

    code = models.CharField(max_length=2, primary_key=True)
    name_en = models.CharField(max_length=100)
    name_ja = models.CharField(max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name_en


class Work(models.Model):
    """One text, whatever its languages; its versions are `documents`."""

    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    series = models.CharField(
        max_length=200, blank=True, help_text="e.g. Central Asia + Japan Dialogue Summit"
    )
    meeting = models.CharField(max_length=200, blank=True, help_text="e.g. 1st")
    meeting_ja = models.CharField(
        max_length=200, blank=True, help_text="Its name in Japanese, e.g. 日・キルギス首脳会談"
    )
    countries = models.ManyToManyField(Country, related_name="works", blank=True)
    authentic_language = models.CharField(
        max_length=10, blank=True, help_text="Language of the authentic text, when known."
    )
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "slug"]
        # Home and /documents/ take one page of works newest first: an index, not a sort.
        indexes = [models.Index(fields=["-date", "slug"], name="work_newest_first")]

    def __str__(self):
        return self.slug


class DocumentQuerySet(models.QuerySet):
    def with_work(self):
        return self.select_related("work")

    def light(self):
        """Without the source file and extracted text, which can be megabytes."""
        return self.defer(*Document.large_columns())


class Document(models.Model):
    """One language version of a work, as imported from one source file."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(max_length=10)
    title = models.TextField()
    subtitle = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    date_start = models.DateField(
        null=True, blank=True, help_text="First day, when the text gives only a span of days."
    )
    date_end = models.DateField(
        null=True, blank=True, help_text="Last day, when the text gives only a span of days."
    )
    place = models.CharField(max_length=200, blank=True)
    place_as_printed = models.CharField(max_length=200, blank=True)
    is_provisional = models.BooleanField(
        default=False, help_text="A provisional translation (仮訳), not an authentic text."
    )
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations"
    )
    closing = models.TextField(blank=True, help_text="Closing formula, as printed.")
    metadata_lines = models.JSONField(
        default=list,
        blank=True,
        help_text="Title, date and other non-body lines as printed, with role and source offset.",
    )
    warnings = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(
        max_length=64, help_text="Hash of source, manifest entry and parse; equal means unchanged."
    )
    entry = models.JSONField(
        default=dict,
        blank=True,
        help_text="The manifest entry it was imported with, corrections included.",
    )
    source_url = models.URLField(max_length=500, blank=True)
    source_name = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    source_encoding = models.CharField(max_length=20, default="utf-8")
    source_bytes = models.BinaryField(help_text="The source file exactly as received.")
    source_format = models.CharField(
        max_length=10, default="text", help_text="text, pdf or html: how the source was read."
    )
    extracted_text = models.TextField(
        blank=True,
        help_text="For PDF and HTML sources, the text extracted from them, which was parsed "
        "(offsets refer to it). Empty for text files: their bytes are the text.",
    )
    imported_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["work", "language"]
        constraints = [
            models.UniqueConstraint(fields=["work", "language"], name="one_version_per_language")
        ]

    def __str__(self):
        return f"{self.work.slug} [{self.language}]"

    def get_absolute_url(self):
        return reverse("archive:document", args=[self.work.slug, self.language])

    @staticmethod
    def large_columns(through: str = "") -> tuple[str, ...]:
        """The columns a list, a page or a hit never shows: the source file as received and the
        text extracted from it, both megabytes at times. `through` is the path to a Document
        from another model (document__, other__document__), for `.defer(...)` there."""
        return (f"{through}source_bytes", f"{through}extracted_text")


class Section(models.Model):
    """A heading in a document, nested (◆ 総論 › 日本と中央アジアとの間の協力のレビュー)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    sequence = models.PositiveIntegerField(help_text="Order among sections and clauses.")
    level = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=20, blank=True, help_text="As printed: ◆, I., Ⅱ.")
    heading = models.TextField()
    source_offset = models.PositiveIntegerField()
    row = models.PositiveIntegerField(
        null=True, blank=True, help_text="Row shared with its counterparts in other versions."
    )

    class Meta:
        ordering = ["document", "sequence"]

    def __str__(self):
        return f"{self.label} {self.heading}".strip()


class Clause(models.Model):
    """A numbered (or ordinal) paragraph of a document; `text` keeps its paragraphs on lines."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="clauses")
    # SET_NULL: a re-import rebuilds sections, then points the surviving clauses at them again.
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="clauses"
    )
    sequence = models.PositiveIntegerField(help_text="Order among sections and clauses.")
    label = models.CharField(
        max_length=60, help_text="Normalized: (4 1) → 41, （50） → 50, (1) under Ⅱ › 1. → ii-1-1."
    )
    printed_label = models.CharField(max_length=40, blank=True)
    is_preamble = models.BooleanField(default=False)
    text = models.TextField()
    source_offset = models.PositiveIntegerField()
    row = models.PositiveIntegerField(
        null=True, blank=True, help_text="Row shared with its counterparts in other versions."
    )
    recurrences_count = models.PositiveIntegerField(
        default=0,
        db_index=True,
        editable=False,  # derived from the links (archive/research/recurring.py), never typed in
        help_text="Clauses of other texts that say nearly the same (archive/recurring.py).",
    )

    class Meta:
        # Ordered and unique within its document, as a Document is within its work.
        ordering = ["document", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["document", "label"], name="unique_label_per_document")
        ]

    def __str__(self):
        return f"{self.document} ¶{self.label}"

    def get_absolute_url(self):
        """The clause in context, on its document's page."""
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    def get_permalink(self):
        """The clause's own page: /documents/<slug>/<lang>/<label>/."""
        work_slug, language = self.document.work.slug, self.document.language
        return reverse("archive:clause", args=[work_slug, language, self.label])

    @property
    def anchor(self) -> str:
        return f"c{self.label}"

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")


class Revision(models.Model):
    """A version as it stood before an import replaced it: its source bytes, the entry and
    corrections it was read with, and its clauses, so what changed can be shown and the
    earlier reading restored."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Who published what replaced it; empty for the command line.",
    )
    source_name = models.CharField(max_length=255)
    source_bytes = models.BinaryField()
    entry = models.JSONField(default=dict, blank=True)
    title = models.TextField()
    clauses = models.JSONField(default=list, help_text="[label, text] of each clause, in order.")

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.document_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class ClauseMove(models.Model):
    """A clause address an import took away, and the label of the clause that carries the same
    text now: links to the old address redirect there permanently, so a citation keeps
    finding its clause after a relabel."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="moves")
    label = models.CharField(max_length=60)
    to_label = models.CharField(max_length=60)
    moved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "label"], name="one_move_per_label")
        ]

    def __str__(self):
        return f"{self.document_id}: ¶{self.label} → ¶{self.to_label}"


class Signatory(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatories")
    sequence = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=300, blank=True)
    name_offset = models.PositiveIntegerField(null=True, blank=True)
    title_offset = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["document", "sequence"]
        verbose_name_plural = "signatories"

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name


class Generation(models.Model):
    """The archive's generation: one row, whose number every change to documents raises by one.

    Each copy of the search index records the generation it was built from, so a web node
    whose copy is behind knows which documents to reindex (`DocumentChange`), whatever machine
    made the change. The row is locked by the transaction that raises it, so changes
    commit in the order of their numbers and a reader never sees a gap that fills later.
    """

    number = models.PositiveBigIntegerField(default=0)
    # A random token drawn at each raise: a database recreated or restored from a backup counts
    # its numbers again, and the token keeps its generations apart from the old ones in any
    # cache keyed by generation (archive.freshness).
    token = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_generation")]

    def __str__(self):
        return f"generation {self.number}"


class DocumentChange(models.Model):
    """A document changed (imported, edited or deleted) in one generation of the archive."""

    generation = models.PositiveBigIntegerField(db_index=True)
    document_id = models.PositiveBigIntegerField()  # not a key: the document may be deleted

    class Meta:
        ordering = ["generation", "document_id"]

    def __str__(self):
        return f"document {self.document_id} in generation {self.generation}"


class SketchEntry(models.Model):
    """One of a clause's sketch values (archive/research/recurring.py): the persisted candidate
    index, so that finding the recurring language of new clauses reads their own sketches and
    the lists they share, never every clause of their language."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    document_id = models.IntegerField()  # the clause's, never changed: skips its own text
    value = models.IntegerField()
    # The work's date as a day number: each value's list is read oldest first.
    day = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["value", "day", "clause"], name="sketch_by_value")]

    def __str__(self):
        return f"{self.clause_id}: {self.value}"


class Recurrence(models.Model):
    """A clause of another text, in the same language, that says nearly the same thing.

    Stored in both directions; `similarity` is the Jaccard similarity of their shingles
    (archive/research/recurring.py), 1.0 for the same words.
    """

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="recurrences")
    other = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clause", "other"], name="one_link_per_pair")
        ]

    def __str__(self):
        return f"{self.clause} ≈ {self.other} ({self.similarity:.2f})"


class TermCount(models.Model):
    """How often a version uses a term (archive/research/distinctive.py): what the distinctive
    and new terms of a text, a year, a series or a country are read from."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    # The version's language and date (or its text's), kept here so that a term's totals are
    # summed from its own rows, without joining every version that uses it.
    language = models.CharField(max_length=10)
    date = models.DateField(null=True)
    term = models.CharField(max_length=200)  # as counted: English folded to lower case
    text = models.CharField(max_length=200)  # as the version prints it most often
    occurrences = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "term"], name="one_count_per_term")
        ]
        indexes = [models.Index(fields=["language", "term"], name="term_count_by_term")]

    def __str__(self):
        return f"{self.document_id}: {self.term} × {self.occurrences}"


class TermTotal(models.Model):
    """A term's counts over all versions in a language, kept with `TermCount`: what the rest of
    the archive is compared with, read a term at a time."""

    language = models.CharField(max_length=10)
    term = models.CharField(max_length=200)
    occurrences = models.PositiveIntegerField()
    texts = models.PositiveIntegerField()  # dated versions using it
    first = models.DateField(null=True)  # the earliest dated version using it

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="one_total_per_term")
        ]
        # Every column a group's terms are joined for, in the index: their rows, written one
        # import at a time, lie all over the table.
        indexes = [
            models.Index(
                fields=["language", "term", "occurrences", "texts", "first"],
                name="term_total_covering",
            )
        ]

    def __str__(self):
        return f"[{self.language}] {self.term} × {self.occurrences}"


class GroupCount(models.Model):
    """A term's counts over the versions in one language of a kind, a series or a country,
    kept with `TermCount` (archive/research/group_counts.py): a group holding half the
    archive is read from its own rows, one per term, not summed from every version's."""

    facet = models.CharField(max_length=10)  # the browse parameter: kind, series or country
    value = models.CharField(max_length=200)
    language = models.CharField(max_length=10)
    term = models.CharField(max_length=200)
    text = models.CharField(max_length=200)  # the least of the group's printings, as MIN
    occurrences = models.PositiveIntegerField()
    texts = models.PositiveIntegerField()  # dated versions of the group using it
    first = models.DateField(null=True)  # the earliest of them

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "value", "language", "term"], name="one_count_per_group_term"
            )
        ]
        # A group's rows read from the index alone, in order: written one import at a time,
        # they lie all over the table (Japan's 45,000 terms at 100k clauses: 195 → 115 ms).
        indexes = [
            models.Index(
                fields=["facet", "value", "language", "term", "occurrences", "texts", "first"]
                + ["text"],
                name="group_count_covering",
            )
        ]

    def __str__(self):
        return f"{self.facet}={self.value} [{self.language}] {self.term} × {self.occurrences}"


class CountedIn(models.Model):
    """A group a version's term counts were added to: they are taken out of that group when
    the version changes, even after its work moved to another series or country."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=10)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet", "value"], name="counted_once_per_group"
            )
        ]

    def __str__(self):
        return f"{self.document_id} in {self.facet}={self.value}"


class Draft(models.Model):
    """A source a curator added in the workbench, with its manifest entry and the corrections
    made by pointing at its lines: nothing of it is in the archive until it is published,
    through the same import as `import_documents`."""

    file_name = models.CharField(max_length=255)
    source_bytes = models.BinaryField(help_text="The source file exactly as uploaded.")
    entry = models.JSONField(
        default=dict, help_text="The manifest entry: its fields and line corrections."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    replaces = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="redrafts",
        help_text="The stored version this draft reads again, and replaces when published.",
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.entry.get("slug") or self.file_name

    def get_absolute_url(self):
        return reverse("workbench:review", args=[self.pk])
