"""Reading the OpenAPI schema in tests."""


def operations(schema):
    """(path, method, operation) for every operation in the schema."""
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation
