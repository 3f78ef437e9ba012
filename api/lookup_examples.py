"""Worked examples of the lookup for the API docs: one per body format, each a
real response and the answer the shipped knowledge base gives it (causes, fixes
and steps cut to the first of each)."""

from drf_spectacular.utils import OpenApiExample

OPENAI_429_JSON = (
    {
        "status": 429,
        "url": "https://api.openai.com/v1/chat/completions",
        "headers": {"Retry-After": "20", "x-ratelimit-remaining-requests": "0"},
        "body": '{"error": {"message": "Rate limit reached for gpt-4o in organization '
        "org-abc123 on requests per min (RPM): Limit 500, Used 500, Requested "
        '1. Please try again in 120ms.", "type": "requests", "param": null, '
        '"code": "rate_limit_exceeded"}}',
    },
    {
        "lookup_id": "3f0c2a4e-8b1d-4c55-9e0a-6d2b7f1e9a01",
        "match": {
            "error": {
                "provider": "openai",
                "code": "rate_limit_exceeded",
                "title": "rate_limit_exceeded — Rate limit reached for "
                "requests or tokens",
                "url": "/errors/openai/rate_limit_exceeded/",
                "api_url": "/api/v1/errors/openai/rate_limit_exceeded/",
            },
            "confidence": 0.9,
            "matched_on": [
                "status=429",
                "body.error.code=rate_limit_exceeded",
                "provider=openai",
            ],
            "layer": "api",
            "generic": False,
        },
        "alternatives": [
            {
                "error": {
                    "provider": "http",
                    "code": "429",
                    "title": "429 Too Many Requests",
                    "url": "/errors/http/429/",
                    "api_url": "/api/v1/errors/http/429/",
                },
                "confidence": 0.17,
                "matched_on": ["status=429"],
                "layer": "api",
                "generic": True,
            }
        ],
        "retry": {
            "action": "retry",
            "retryable": True,
            "after_seconds": 20.0,
            "wait_source": "header:retry-after",
            "source": "entry:openai/rate_limit_exceeded",
            "max_attempts": 6,
            "backoff": None,
            "idempotent_only": False,
            "refresh": None,
            "fix_by": None,
            "notes": [],
        },
        "provider": "openai",
        "provider_source": "url",
        "provider_confidence": 0.95,
        "family": "rate_limit",
        "codes": [
            {"where": "body.error.type", "value": "requests"},
            {"where": "body.error.code", "value": "rate_limit_exceeded"},
        ],
        "unrecognised_codes": ["requests"],
        "items": [],
        "batch": None,
        "causes": [
            {
                "id": 1029,
                "likelihood": "high",
                "text": "Too many concurrent requests or too many tokens per "
                "minute for the model's limit in your usage tier (batch "
                "jobs, parallel workers, retry storms).",
                "text_html": "<p>Too many concurrent requests or too many tokens "
                "per minute for the model's limit in your usage tier "
                "(batch jobs, parallel workers, retry storms).</p>",
            }
        ],
        "fixes": [
            {
                "id": 1003,
                "difficulty": "easy",
                "text": "Wait for the reset duration in `x-ratelimit-reset-tokens` "
                "/ `x-ratelimit-reset-requests` (or `Retry-After`) and "
                "resend; the official SDKs already do this twice by "
                "default.",
                "text_html": "<p>Wait for the reset duration in "
                "<code>x-ratelimit-reset-tokens</code> / "
                "<code>x-ratelimit-reset-requests</code> (or "
                "<code>Retry-After</code>) and resend; the official "
                "SDKs already do this twice by default.</p>",
                "cause": 1029,
            }
        ],
        "steps": [
            {
                "id": 454,
                "position": 0,
                "title": "Read which limit was hit",
                "body": 'The message names it ("requests per min", "tokens per '
                'min", "requests per day"); the `x-ratelimit-remaining-*` '
                "headers confirm which budget is at 0.",
                "body_html": '<p>The message names it ("requests per min", "tokens '
                'per min", "requests per day"); the '
                "<code>x-ratelimit-remaining-*</code> headers confirm "
                "which budget is at 0.</p>",
                "tip": 'If the message says "Request too large", a retry will '
                "never succeed; shrink the request.",
                "tip_html": '<p>If the message says "Request too large", a retry '
                "will never succeed; shrink the request.</p>",
            }
        ],
        "advice_from": None,
        "notes": [],
    },
)
NGINX_502_HTML = (
    {
        "status": 502,
        "headers": {"Server": "nginx/1.24.0", "Content-Type": "text/html"},
        "body": "<html>\r\n"
        "<head><title>502 Bad Gateway</title></head>\r\n"
        "<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n"
        "<hr><center>nginx/1.24.0</center>\r\n"
        "</body>\r\n"
        "</html>\r\n",
    },
    {
        "lookup_id": "5a7d9e21-0c3b-4f6e-8a14-2b9c6e3d7f02",
        "match": {
            "error": {
                "provider": "nginx",
                "code": "502",
                "title": "502 Bad Gateway (nginx)",
                "url": "/errors/nginx/502/",
                "api_url": "/api/v1/errors/nginx/502/",
            },
            "confidence": 0.87,
            "matched_on": [
                "status=502",
                "body~/<center>nginx(/[0-9.]+)?</center>/",
                "provider=nginx",
            ],
            "layer": "proxy",
            "generic": False,
        },
        "alternatives": [
            {
                "error": {
                    "provider": "http",
                    "code": "502",
                    "title": "502 Bad Gateway",
                    "url": "/errors/http/502/",
                    "api_url": "/api/v1/errors/http/502/",
                },
                "confidence": 0.17,
                "matched_on": ["status=502", "html.title=502"],
                "layer": "proxy",
                "generic": True,
            }
        ],
        "retry": {
            "action": "retry",
            "retryable": True,
            "after_seconds": None,
            "wait_source": "backoff",
            "source": "entry:nginx/502",
            "max_attempts": 3,
            "backoff": {"base": 1.0, "multiplier": 2.0, "cap": 60.0, "jitter": "full"},
            "idempotent_only": True,
            "refresh": None,
            "fix_by": None,
            "notes": [],
        },
        "provider": "nginx",
        "provider_source": "body",
        "provider_confidence": 0.7,
        "family": "upstream",
        "codes": [{"where": "html.title", "value": "502"}],
        "unrecognised_codes": [],
        "items": [],
        "batch": None,
        "causes": [
            {
                "id": 963,
                "likelihood": "high",
                "text": "The upstream process is down, restarting or not "
                "listening on the address and port in `proxy_pass` "
                "(connection refused).",
                "text_html": "<p>The upstream process is down, restarting or not "
                "listening on the address and port in "
                "<code>proxy_pass</code> (connection refused).</p>",
            }
        ],
        "fixes": [
            {
                "id": 939,
                "difficulty": "easy",
                "text": "Check that the upstream service is up and listening where "
                "`proxy_pass` points (for example `curl` it from the nginx "
                "host).",
                "text_html": "<p>Check that the upstream service is up and "
                "listening where <code>proxy_pass</code> points (for "
                "example <code>curl</code> it from the nginx "
                "host).</p>",
                "cause": 963,
            }
        ],
        "steps": [
            {
                "id": 413,
                "position": 0,
                "title": "Confirm it is nginx's page",
                "body": "Check that the body ends with `<center>nginx</center>` "
                "(or a version). If the body is JSON from your "
                "application, the 502 came from further upstream.",
                "body_html": "<p>Check that the body ends with "
                "<code>&lt;center&gt;nginx&lt;/center&gt;</code> (or "
                "a version). If the body is JSON from your "
                "application, the 502 came from further upstream.</p>",
                "tip": "Several proxies can be stacked; the footer line tells you "
                "which one wrote the page.",
                "tip_html": "<p>Several proxies can be stacked; the footer line "
                "tells you which one wrote the page.</p>",
            }
        ],
        "advice_from": None,
        "notes": [],
    },
)
S3_503_XML = (
    {
        "status": 503,
        "url": "https://my-bucket.s3.amazonaws.com/reports/2024.csv",
        "headers": {
            "Content-Type": "application/xml",
            "x-amz-request-id": "4442587FB7D0A2F9",
        },
        "body": '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Error><Code>SlowDown</Code><Message>Please reduce your request "
        "rate.</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>"
        "eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran"
        "</HostId></Error>",
    },
    {
        "lookup_id": "8c1e4b73-2d5f-4a98-b6c0-9e7f3a1d5b03",
        "match": {
            "error": {
                "provider": "aws",
                "code": "SlowDown",
                "title": "SlowDown — Reduce your S3 request rate",
                "url": "/errors/aws/SlowDown/",
                "api_url": "/api/v1/errors/aws/SlowDown/",
            },
            "confidence": 0.9,
            "matched_on": ["status=503", "body.Error.Code=SlowDown", "provider=aws"],
            "layer": "api",
            "generic": False,
        },
        "alternatives": [
            {
                "error": {
                    "provider": "http",
                    "code": "503",
                    "title": "503 Service Unavailable",
                    "url": "/errors/http/503/",
                    "api_url": "/api/v1/errors/http/503/",
                },
                "confidence": 0.17,
                "matched_on": ["status=503"],
                "layer": "api",
                "generic": True,
            }
        ],
        "retry": {
            "action": "retry",
            "retryable": True,
            "after_seconds": None,
            "wait_source": "backoff",
            "source": "entry:aws/SlowDown",
            "max_attempts": 5,
            "backoff": {"base": 1.0, "multiplier": 2.0, "cap": 60.0, "jitter": "full"},
            "idempotent_only": False,
            "refresh": None,
            "fix_by": None,
            "notes": [],
        },
        "provider": "aws",
        "provider_source": "url",
        "provider_confidence": 0.95,
        "family": "rate_limit",
        "codes": [{"where": "body.Error.Code", "value": "SlowDown"}],
        "unrecognised_codes": [],
        "items": [],
        "batch": None,
        "causes": [
            {
                "id": 194,
                "likelihood": "high",
                "text": "A sudden burst of requests against one prefix (many "
                "workers writing to the same date-based or constant "
                "prefix at once).",
                "text_html": "<p>A sudden burst of requests against one prefix "
                "(many workers writing to the same date-based or "
                "constant prefix at once).</p>",
            }
        ],
        "fixes": [
            {
                "id": 192,
                "difficulty": "easy",
                "text": "Let the SDK retry with backoff (`standard` or `adaptive` "
                "mode, more attempts for batch jobs) and remove retry "
                "loops without delay.",
                "text_html": "<p>Let the SDK retry with backoff "
                "(<code>standard</code> or <code>adaptive</code> "
                "mode, more attempts for batch jobs) and remove retry "
                "loops without delay.</p>",
                "cause": 195,
            }
        ],
        "steps": [
            {
                "id": 73,
                "position": 0,
                "title": "Confirm it is S3 throttling",
                "body": "Check the code `SlowDown` in the body (also in 200 "
                "responses to copy and multipart completion) and note the "
                "bucket, prefixes and operations involved.",
                "body_html": "<p>Check the code <code>SlowDown</code> in the body "
                "(also in 200 responses to copy and multipart "
                "completion) and note the bucket, prefixes and "
                "operations involved.</p>",
                "tip": "Enable S3 request metrics in CloudWatch for the bucket or "
                "a prefix filter to see 5xx counts over time.",
                "tip_html": "<p>Enable S3 request metrics in CloudWatch for the "
                "bucket or a prefix filter to see 5xx counts over "
                "time.</p>",
            }
        ],
        "advice_from": None,
        "notes": [],
    },
)
ZENDESK_429_TEXT = (
    {
        "status": 429,
        "url": "https://acme.zendesk.com/api/v2/tickets.json",
        "headers": {
            "Content-Type": "text/plain",
            "Retry-After": "1",
            "X-Rate-Limit": "700",
            "X-Rate-Limit-Remaining": "0",
        },
        "body": "Number of allowed API requests per minute exceeded",
    },
    {
        "lookup_id": "b2d6f8a9-4e1c-4d37-a5b2-7c8e0f9a1c04",
        "match": {
            "error": {
                "provider": "zendesk",
                "code": "rate_limited",
                "title": "429 Too Many Requests — Rate limited",
                "url": "/errors/zendesk/rate_limited/",
                "api_url": "/api/v1/errors/zendesk/rate_limited/",
            },
            "confidence": 0.87,
            "matched_on": [
                "status=429",
                "body~/(?i)(allowed API requests per minute "
                "exceeded|exceeded the rate limit)/",
                "provider=zendesk",
            ],
            "layer": "api",
            "generic": False,
        },
        "alternatives": [
            {
                "error": {
                    "provider": "http",
                    "code": "429",
                    "title": "429 Too Many Requests",
                    "url": "/errors/http/429/",
                    "api_url": "/api/v1/errors/http/429/",
                },
                "confidence": 0.17,
                "matched_on": ["status=429"],
                "layer": "api",
                "generic": True,
            }
        ],
        "retry": {
            "action": "retry",
            "retryable": True,
            "after_seconds": 1.0,
            "wait_source": "header:retry-after",
            "source": "entry:zendesk/rate_limited",
            "max_attempts": 3,
            "backoff": None,
            "idempotent_only": True,
            "refresh": None,
            "fix_by": None,
            "notes": [],
        },
        "provider": "zendesk",
        "provider_source": "url",
        "provider_confidence": 0.95,
        "family": "rate_limit",
        "codes": [],
        "unrecognised_codes": [],
        "items": [],
        "batch": None,
        "causes": [
            {
                "id": 1349,
                "likelihood": "high",
                "text": "Too many requests per minute across all integrations on "
                "the account.",
                "text_html": "<p>Too many requests per minute across all "
                "integrations on the account.</p>",
            }
        ],
        "fixes": [
            {
                "id": 1326,
                "difficulty": "easy",
                "text": "Honour `Retry-After` in a shared limiter.",
                "text_html": "<p>Honour <code>Retry-After</code> in a shared "
                "limiter.</p>",
                "cause": 1349,
            }
        ],
        "steps": [
            {
                "id": 620,
                "position": 0,
                "title": "Read Retry-After",
                "body": "Wait the number of seconds in `Retry-After` before the "
                "next request.",
                "body_html": "<p>Wait the number of seconds in "
                "<code>Retry-After</code> before the next "
                "request.</p>",
                "tip": "Stop all workers, not just the one that got the 429.",
                "tip_html": "<p>Stop all workers, not just the one that got the "
                "429.</p>",
            }
        ],
        "advice_from": None,
        "notes": [],
    },
)


def lookup_examples() -> list[OpenApiExample]:
    """Each case twice, as the request and as its answer, under the same name so
    that Swagger UI shows the pair together."""
    cases = [
        (
            "JSON body: OpenAI 429",
            "An OpenAI rate limit: the body is JSON, the host names the provider "
            "and Retry-After gives the wait.",
            OPENAI_429_JSON,
        ),
        (
            "HTML error page: nginx 502",
            "nginx's own error page for a failed upstream: no URL is given, the "
            "page's signature names nginx.",
            NGINX_502_HTML,
        ),
        (
            "XML body: S3 503 SlowDown",
            "Amazon S3 asks the client to slow down, in its XML error format.",
            S3_503_XML,
        ),
        (
            "Plain text: Zendesk 429",
            "A rate limit answered in plain text; the message and the host are enough.",
            ZENDESK_429_TEXT,
        ),
    ]
    return [
        example
        for summary, description, (request, response) in cases
        for example in (
            OpenApiExample(
                summary, value=request, description=description, request_only=True
            ),
            OpenApiExample(summary, value=response, response_only=True),
        )
    ]
