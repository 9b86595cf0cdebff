"""Admin forms: articles, registry names, and the choices bulk actions ask for."""

import hashlib
import json

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from archive.models import Article, Tag
from archive.sanitize import Removed, plain_text, removed_markup


def https_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """Build a form field; a URL typed without a scheme is taken to be https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class OneMessagePerField:
    """Form mixin: the model's clean() does not repeat a field the form already rejected.

    Model.clean() re-checks fields that failed form validation (an empty
    title is both "required" and "markup only"); one message per field is clearer.
    """

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            fresh = {
                name: errors
                for name, errors in error.error_dict.items()
                if name not in self._errors
            }
            if not fresh:
                return
            error = ValidationError(fresh)
        super().add_error(field, error)


REVIEW_CONFIRM_LABEL = "Publish with the review note unresolved"


def unresolved_review_message(note: str) -> str:
    shown = note if len(note) <= 200 else note[:199] + "…"
    return (
        f"The review note is unresolved: “{shown}” Check what it asks and clear "
        f"the note, or tick “{REVIEW_CONFIRM_LABEL}”."
    )


# What the form shows, compared to tell a curator what someone else changed.
EDITED_FIELDS = (
    "title", "source", "authors", "published", "published_is_inferred", "url",
    "language", "kind", "tags", "status", "review_note", "summary", "body", "slug",
)  # fmt: skip


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, default=str).encode()).hexdigest()[:12]


def edited_state(article: Article) -> dict:
    """The version and a fingerprint of each field of ``article`` as stored."""
    digests = {}
    for name in EDITED_FIELDS:
        field = Article._meta.get_field(name)
        if field.many_to_many:
            value = sorted(getattr(article, name).values_list("pk", flat=True))
        else:
            value = field.value_from_object(article)
        digests[name] = _digest(value)
    return {"version": article.version, "digests": digests}


class ArticleAdminForm(OneMessagePerField, forms.ModelForm):
    """The article form; its errors come from ``Article.clean()`` at the right field.

    It carries the version it was opened on (``based_on``): saving over a
    newer version is refused with the fields the other save changed, rather
    than silently putting back what they changed.
    """

    based_on = forms.CharField(required=False, widget=forms.HiddenInput)
    publish_unreviewed = forms.BooleanField(
        required=False,
        label=REVIEW_CONFIRM_LABEL,
        help_text="Only for an article you have checked although its review note "
        "stays: publishing otherwise waits until the note is cleared.",
    )

    class Meta:
        model = Article
        fields = [
            "title", "source", "authors", "published", "published_is_inferred", "url",
            "language", "kind", "tags", "status", "review_note", "summary", "body", "slug",
        ]  # fmt: skip
        formfield_callback = https_formfield
        widgets = {
            "summary": AdminTextareaWidget(attrs={"rows": 4}),
            "review_note": AdminTextareaWidget(attrs={"rows": 2}),
            "body": AdminTextareaWidget(attrs={"rows": 24, "class": "vLargeTextField"}),
        }
        error_messages = {
            "title": {"required": "Give a title."},
            "published": {"required": "Give the publication date."},
            "source": {"required": "Choose the source (or add it with +)."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on"].initial = json.dumps(edited_state(self.instance))
        authors = self.fields.get("authors")
        order = self.instance.author_order
        if authors is not None and order:
            # The authors box lists them as the byline does.
            place = models.Case(
                *(
                    models.When(pk=pk, then=models.Value(n))
                    for n, pk in enumerate(order)
                ),
                default=models.Value(len(order)),
            )
            authors.queryset = authors.queryset.order_by(place, "name")

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("authors")
        if chosen is not None:
            # The byline is the order the authors were picked in the box.
            ids = {author.pk for author in chosen}
            name = self.add_prefix("authors")
            raw = (
                self.data.getlist(name)
                if hasattr(self.data, "getlist")
                else self.data.get(name) or []
            )
            submitted = [
                int(value)
                for value in map(str, raw)
                if value.isdigit() and int(value) in ids
            ]
            rest = [author.pk for author in chosen if author.pk not in submitted]
            self.instance.author_order = list(dict.fromkeys(submitted + rest))
        self._check_review(cleaned)
        self._check_version(cleaned)
        return cleaned

    def _check_version(self, cleaned: dict) -> None:
        if not self.instance.pk:
            return
        try:
            based_on = json.loads(cleaned.get("based_on") or "")
            version, digests = int(based_on["version"]), dict(based_on["digests"])
        except (ValueError, TypeError, KeyError):
            return  # a form from before versions were kept; nothing to compare
        current = Article.objects.filter(pk=self.instance.pk).first()
        if current is None or current.version == version:
            return
        now = edited_state(current)["digests"]
        changed = [
            str(self.fields[name].label if name in self.fields else name)
            for name in EDITED_FIELDS
            if digests.get(name) != now[name]
        ]
        what = ", ".join(changed) if changed else _("its tags or byline")
        raise ValidationError(
            _(
                "Someone else saved this article while you were editing it "
                "(changed: %(fields)s). Your changes were not saved, so as not to "
                "undo theirs: open the article again to see the current version, "
                "then make your changes there."
            )
            % {"fields": what},
            code="stale_version",
        )

    def _check_review(self, cleaned: dict) -> None:
        # Publishing a draft whose review note still asks for a check needs the
        # curator to say so; an article already public stays editable.
        was_published = (
            not self.instance._state.adding
            and Article.objects.filter(
                pk=self.instance.pk, status=Article.Status.PUBLISHED
            ).exists()
        )
        note = (cleaned.get("review_note") or "").strip()
        publishing = cleaned.get("status") == Article.Status.PUBLISHED
        confirmed = cleaned.get("publish_unreviewed")
        if publishing and note and not was_published and not confirmed:
            self.add_error("status", unresolved_review_message(note))

    def removed_markup(self) -> Removed:
        """What the sanitizer took out of the submitted body (tags, attributes, links)."""
        return removed_markup(self.cleaned_data.get("body") or "")


class DistinctNameForm(OneMessagePerField, forms.ModelForm):
    """A source or tag form that refuses a name another entry has in other letter case."""

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        clash = (
            self._meta.model._default_manager.filter(name__iexact=plain_text(name))
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                "“%(name)s” (#%(id)s) already has this name. To combine the two, "
                "select both in the list and use “Merge selected into…”.",
                code="duplicate_name",
                params={"name": clash.name, "id": clash.pk},
            )
        return name


def _entry_field(remote_field, admin_site, label: str) -> forms.ModelChoiceField:
    """A required choice of one registry entry with the admin's search-as-you-type box."""
    return forms.ModelChoiceField(
        queryset=remote_field.related_model._default_manager.all(),
        label=label,
        widget=AutocompleteSelect(remote_field, admin_site),
    )


class MergeForm(forms.Form):
    """Choose the source, author or tag that the selected entries are merged into."""

    def __init__(self, *args, relation, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        model = relation.related_model
        self.fields["into"] = _entry_field(
            relation, admin_site, f"Merge into this {model._meta.verbose_name}"
        )


class PublishUnreviewedForm(forms.Form):
    """What to do with selected drafts whose review notes are unresolved."""

    choice = forms.ChoiceField(
        label="Unresolved review notes",
        widget=forms.RadioSelect,
        choices=[
            ("reviewed", "Publish only the articles without a review note"),
            ("all", "Publish all of them: I have checked the notes"),
        ],
        error_messages={"required": "Choose which articles to publish."},
    )

    def __init__(self, *args, unreviewed, **kwargs):
        super().__init__(*args, **kwargs)
        shown = [f"“{a.title}”: {a.review_note}" for a in unreviewed[:5]]
        total = unreviewed.count()
        if total > len(shown):
            shown.append(f"… and {total - len(shown)} more")
        self.fields["choice"].help_text = (
            f"{total} of the selected drafts still have a review note. "
            + "; ".join(shown)
        )


class AddTagForm(forms.Form):
    """Choose an existing tag or name a new one to add to the selected articles."""

    new_tag = forms.CharField(
        label="or a new tag",
        required=False,
        max_length=100,
        help_text="Created if no tag has this name yet.",
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"] = _entry_field(
            Article._meta.get_field("tags"), admin_site, "Tag"
        )
        self.fields["tag"].required = False
        self.order_fields(["tag", "new_tag"])

    def clean_new_tag(self) -> str:
        raw = self.cleaned_data["new_tag"]
        name = plain_text(raw)
        if raw.strip() and not name:
            raise ValidationError("Give a tag name (markup alone is removed).")
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("tag") and cleaned.get("new_tag"):
            raise ValidationError("Choose a tag or name a new one, not both.")
        if not cleaned.get("tag") and not cleaned.get("new_tag") and not self.errors:
            raise ValidationError("Choose a tag or name a new one.")
        return cleaned


class RemoveTagForm(forms.Form):
    """Choose one of the tags the selected articles carry, to remove it from them."""

    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Tag")

    def __init__(self, *args, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(
            articles__in=articles
        ).distinct()
