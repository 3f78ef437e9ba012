"""Secrets and personal data are cut out of anything submitted before it is hashed,
logged, stored or echoed back."""

import re2

REDACTED = "[redacted]"

# Where a credential follows a word that names it: "password: hunter2",
# "api_key=…", "Authorization: Token …", "aws_secret_access_key = …". The value is
# whatever follows the separator up to a space, quote or delimiter. The words that
# name a secret (the named groups, NAMES) are kept, so the message still reads.
PASSWORD_WORDS = r"pass(?:word|wd|phrase)|pwd"
KEY_WORDS = (
    r"api[_-]?key|x-api-key|access[_-]?key(?:[_-]?id)?|secret[_-]?access[_-]?key"
    r"|(?:access|refresh|id|auth|session|bearer)[_-]?token|token|client[_-]?secret"
    r"|secret[_-]?key|secret|private[_-]?key|credentials?"
)
SEPARATOR = r"[\"']?\s*[:=]\s*[\"']?"
VALUE = r"[^\s\"',;&]"
# The Authorization header, whatever its scheme; a password, however short; a key,
# a token or a secret of six characters or more.
NAMED_AUTHORIZATION = (
    rf"(?P<authorization>(?i:\b(?:proxy-)?authorization){SEPARATOR}"
    rf"(?:[A-Za-z]+\s+)?){VALUE}+"
)
NAMED_PASSWORD = rf"(?P<password>(?i:\b(?:{PASSWORD_WORDS})){SEPARATOR}){VALUE}+"
NAMED_KEY = (
    rf"(?P<key>(?i:\b(?:[a-z0-9]+[_-])?(?:{KEY_WORDS})){SEPARATOR}){VALUE}{{6,}}"
)
NAMES = ("authorization", "password", "key", "bearer", "basic", "token")

# One alternation, so the text is scanned once. RE2 keeps it linear in the input.
SECRET_PATTERN = re2.compile(
    "|".join(
        [
            NAMED_AUTHORIZATION,
            r"(?P<bearer>(?i:\bbearer)\s+)[A-Za-z0-9\-._~+/]+=*",
            r"(?P<basic>(?i:\bbasic)\s+)[A-Za-z0-9+/]{8,}=*",
            # "Token 9944b0…" (Django REST framework, GitHub's "token ghp_…"): a word
            # that long after "token" is a credential, not prose.
            r"(?P<token>(?i:\btoken)\s+)[A-Za-z0-9\-._~+/]{16,}=*",
            NAMED_PASSWORD,
            NAMED_KEY,
            r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}",  # Stripe keys
            r"\bwhsec_[A-Za-z0-9]{16,}",  # Stripe webhook secrets
            r"\bsk-[A-Za-z0-9_\-]{16,}",  # OpenAI / Anthropic style keys
            r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b",  # AWS access key ids
            r"\bgh[pousr]_[A-Za-z0-9]{20,}",  # GitHub tokens
            r"\bgithub_pat_[A-Za-z0-9_]{20,}",  # GitHub fine-grained tokens
            r"\bglpat-[A-Za-z0-9_\-]{20,}",  # GitLab personal access tokens
            r"\bxox[abposre]-[A-Za-z0-9\-]{6,}",  # Slack tokens
            r"\bxapp-[A-Za-z0-9\-]{6,}",  # Slack app-level tokens
            r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}",  # SendGrid keys
            r"\bAIza[0-9A-Za-z_\-]{35}\b",  # Google API keys
            r"\beyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*",  # JWTs
            r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,24}",  # e-mail
            r"\b(?:\d[ \-]?){12,18}\d\b",  # card-number-shaped digit runs
        ]
    )
)
# AWS secret access keys: 40 characters of base64's alphabet, with no prefix to
# recognise them by (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html).
# Every maximal run of at least 40 is looked at; only one of exactly 40 that mixes
# upper case, lower case and digits is taken for a key, so long words and paths stay.
BASE64_RUN = re2.compile(r"[A-Za-z0-9/+]{40,}")
AWS_SECRET_LENGTH = 40


def looks_like_aws_secret(run: str) -> bool:
    return (
        len(run) == AWS_SECRET_LENGTH
        and any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
    )


def redact_aws_secret(match) -> str:
    run = match.group(0)
    return REDACTED if looks_like_aws_secret(run) else run


def redact_secret(match) -> str:
    """The secret replaced, the word that named it kept ("password: [redacted]")."""
    named = next((match.group(name) for name in NAMES if match.group(name)), "")
    return named + REDACTED


def redact(text: str) -> str:
    """Replace every secret-shaped run in ``text`` with ``[redacted]``."""
    if not text:
        return text
    # Searching is several times cheaper than substituting with a callback, and
    # most text holds no secret at all.
    if SECRET_PATTERN.search(text):
        text = SECRET_PATTERN.sub(redact_secret, text)
    if BASE64_RUN.search(text):
        text = BASE64_RUN.sub(redact_aws_secret, text)
    return text
