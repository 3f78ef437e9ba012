"""JSON rendering with orjson, for the answers on the hot path.

DRF's JSONRenderer goes through the standard library's encoder; orjson renders
the lookup's answer several times faster, with the same output for the plain
types the answer holds (str, numbers, bools, None, lists, dicts)."""

import orjson
from rest_framework.renderers import JSONRenderer


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # a type orjson does not know: the standard encoder
            return super().render(data, accepted_media_type, renderer_context)
