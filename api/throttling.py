from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Anonymous clients, limited to REST_FRAMEWORK's current "anon" rate (API_ANON_RATE).

    DRF's own class keeps the rates it saw at import; this one reads the setting when it
    is used, so a changed setting (a test's) applies.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
