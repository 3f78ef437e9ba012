from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Knowledge base"

    # Edits to these invalidate the lookup index and cached pages everywhere.
    versioned_models = (
        "Provider", "Category", "ErrorCode", "Cause", "Fix", "Step", "FAQ", "Note",
        "Signature", "Example", "Guide",
    )  # fmt: skip

    def ready(self):
        from kb.versioning import bump_kb_version

        for name in self.versioned_models:
            model = self.get_model(name)
            post_save.connect(
                bump_kb_version, sender=model, dispatch_uid=f"kb-v-{name}"
            )
            post_delete.connect(
                bump_kb_version, sender=model, dispatch_uid=f"kb-d-{name}"
            )
        error_code, guide = self.get_model("ErrorCode"), self.get_model("Guide")
        for field in (error_code.related, guide.categories, guide.errors):
            m2m_changed.connect(
                bump_kb_version, sender=field.through, dispatch_uid=f"kb-m2m-{field}"
            )
