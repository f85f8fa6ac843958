"""Feeds for podcast apps and feed readers, and the chapters and transcripts they point to."""

from django.urls import path

from feeds import feeds, views

app_name = "feeds"
urlpatterns = [
    path("feed/podcast.xml", feeds.PodcastFeed(), name="podcast"),
    path("feed/posts.xml", feeds.PostsFeed(), name="posts"),
    path("tags/<tagslug:slug>/feed.xml", feeds.TagPodcastFeed(), name="tag"),
    path("people/<slug:slug>/feed.xml", feeds.PersonPodcastFeed(), name="person"),
    path("episodes/<slug:slug>/chapters.json", views.chapters_json, name="chapters"),
    path("episodes/<slug:slug>/transcript.txt", views.transcript_txt, name="transcript"),
]
