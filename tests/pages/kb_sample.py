"""A small knowledge base written as fixture files, loaded the way kb_load does."""

from pathlib import Path

from kb.content.load import load_files

HTTP_YAML = """
provider:
  slug: http
  name: HTTP
  layer: standard
  position: 0
errors:
- code: "429"
  http_status: 429
  title: 429 Too Many Requests
  summary: You sent too many requests. Wait and retry.
  fixable_by: caller_code
  retry:
    policy: always
  signatures:
  - status: 429
"""

OPENAI_YAML = """
provider:
  slug: openai
  name: OpenAI
  layer: api
  position: 40
  api_hosts: [api.openai.com]
  identifying_headers: [openai-organization]
errors:
- code: insufficient_quota
  http_status: 429
  title: insufficient_quota — You exceeded your current quota
  summary: The organization has no credit left. Waiting does not fix it.
  fixable_by: account
  retry:
    policy: never
  causes:
  - likelihood: high
    text: The prepaid credit balance is zero.
  fixes:
  - difficulty: easy
    text: Buy credits on the Billing page.
  steps:
  - title: Check the balance
    body: Open Settings, then Billing.
  signatures:
  - status: 429
    code: insufficient_quota
    weight: 2.5
  examples:
  - title: 429 insufficient_quota from the API
    status: 429
    headers: {Content-Type: application/json}
    body: |
      {"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}
    source: https://platform.openai.com/docs/guides/error-codes
- code: rate_limit_exceeded
  http_status: 429
  title: rate_limit_exceeded — Rate limit reached
  summary: Too many requests or tokens per minute. Wait and retry.
  fixable_by: caller_code
  retry:
    policy: always
  signatures:
  - status: 429
    code: rate_limit_exceeded
    weight: 2.0
"""


def load_sample(directory: Path) -> None:
    paths = []
    for name, text in (("http.yaml", HTTP_YAML), ("openai.yaml", OPENAI_YAML)):
        path = directory / name
        path.write_text(text.lstrip(), encoding="utf-8")
        paths.append(path)
    load_files(paths)


NGINX_YAML = """
provider:
  slug: nginx
  name: nginx
  layer: proxy
  position: 110
  body_patterns:
  - <center>nginx(/[0-9.]+)?</center>
errors:
- code: "502"
  http_status: 502
  title: 502 Bad Gateway from nginx
  summary: nginx got no valid answer from the upstream.
  fixable_by: caller_infra
  retry:
    policy: always
  signatures:
  - status: 502
    body_regex: <center>nginx(/[0-9.]+)?</center>
    weight: 2.0
"""
NGINX_PAGE = "<html><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></html>"  # fmt: skip


def load_nginx_sample(directory: Path) -> None:
    """The sample knowledge base plus an nginx entry matched by its error page."""
    load_sample(directory)
    path = directory / "nginx.yaml"
    path.write_text(NGINX_YAML.lstrip(), encoding="utf-8")
    load_files([path])
