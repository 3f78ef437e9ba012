"""The knowledge base: who emits errors, the errors, and how to recognise and fix them."""

from kb.models.catalogue import Category, ErrorCode, Guide, Provider
from kb.models.events import Feedback, GapState, KnowledgeGap, LookupEvent
from kb.models.matching import Example, Signature
from kb.models.parts import FAQ, Cause, ErrorPart, Fix, Note, Step
from kb.models.revisions import Revision, RevisionKind, RevisionState

__all__ = [
    "FAQ", "Category", "Cause", "ErrorCode", "ErrorPart", "Example", "Feedback", "Fix",
    "GapState", "Guide", "KnowledgeGap", "LookupEvent", "Note", "Provider", "Revision", "RevisionKind",
    "RevisionState", "Signature", "Step",
]  # fmt: skip
