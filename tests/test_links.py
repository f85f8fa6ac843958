"""core/links.py: addresses worked out once per process, and absolute addresses."""

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, path, reverse, set_script_prefix

from core.links import _reversed, absolute, path_to


def test_a_path_is_what_reverse_gives():
    assert path_to("episodes:detail", "some-episode") == reverse(
        "episodes:detail", args=["some-episode"]
    )
    assert path_to("tag_detail", "étude") == reverse("tag_detail", args=["étude"])  # encoded


def test_it_is_worked_out_once():
    _reversed.cache_clear()
    path_to("episodes:detail", "x")
    path_to("episodes:detail", "x")
    info = _reversed.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_the_script_prefix_is_part_of_it():
    try:
        set_script_prefix("/podcast/")
        assert path_to("episodes:list") == "/podcast/episodes/"
    finally:
        set_script_prefix("/")
    assert path_to("episodes:list") == "/episodes/"


def view(request):
    raise AssertionError("never called")


urlpatterns = [path("elsewhere/<slug:slug>/", view, name="somewhere")]


def test_another_url_configuration_is_read_afresh():
    with pytest.raises(Exception, match="somewhere"):
        path_to("somewhere", "x")
    with override_settings(ROOT_URLCONF=__name__):
        clear_url_caches()
        assert path_to("somewhere", "x") == "/elsewhere/x/"
    clear_url_caches()


def test_absolute_puts_a_path_on_site_url(settings):
    settings.SITE_URL = "https://example.org"
    assert absolute("/episodes/x/") == "https://example.org/episodes/x/"
    assert absolute("https://cdn.example/x.mp3") == "https://cdn.example/x.mp3"
    assert absolute("") == ""
