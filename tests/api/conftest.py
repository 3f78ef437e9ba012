import pytest


@pytest.fixture
def schema(client):
    """The OpenAPI schema as the API serves it."""
    return client.get("/api/schema/?format=json").json()
