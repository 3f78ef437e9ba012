"""Importers of reference entries, one per provider.

Each reads the provider's own machine-readable list of errors (an installed
package's data, or a facts-only data file under ``data/`` with its source and
licence noted) and returns a ``Reference``: facts only, one per code. ``kb_import``
writes them to fixtures/reference/<provider>.yaml, and ``kb_load`` loads them.
"""

IMPORTERS = {
    "aws": "kb.importers.aws",
    "google": "kb.importers.google",
    "stripe": "kb.importers.stripe",
    "twilio": "kb.importers.twilio",
    "discord": "kb.importers.discord",
    "square": "kb.importers.square",
    "paypal": "kb.importers.paypal",
    "kubernetes": "kb.importers.kubernetes",
    "azure": "kb.importers.azure",
    "microsoft-graph": "kb.importers.microsoft_graph",
    "salesforce": "kb.importers.salesforce",
    "slack": "kb.importers.slack",
    "cloudflare": "kb.importers.cloudflare",
    "adyen": "kb.importers.adyen",
    "heroku": "kb.importers.heroku",
}
