"""The public pages' addresses, one namespace for each kind of page."""

from django.urls import path

from pages.views import episodes, papers, people, posts, reviews, site

site_patterns = [
    path("", site.home, name="home"),
    path("about/", site.about, name="about"),
    path("tags/", site.tag_list, name="tag_list"),
    path("tags/<tagslug:slug>/", site.tag_detail, name="tag_detail"),
    path("robots.txt", site.robots_txt, name="robots_txt"),
    path("sitemap.xml", site.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", site.sitemap_section, name="sitemap_section"),
]

episode_patterns = (
    [
        path("", episodes.episode_list, name="list"),
        path("<slug:slug>/", episodes.episode_detail, name="detail"),
        path(
            "<slug:slug>/reading-list.bib",
            episodes.reading_list_bibtex,
            name="reading_list_bibtex",
        ),
        path("<slug:slug>/reading-list.json", episodes.reading_list_csl, name="reading_list_csl"),
        path("<slug:slug>/cite.bib", episodes.cite_bibtex, name="cite_bibtex"),
        path("<slug:slug>/reviews/", reviews.episode_reviews, name="reviews"),
        path("<slug:slug>/reviews/write/", reviews.write_episode_review, name="write_review"),
    ],
    "episodes",
)

person_patterns = (
    [
        path("", people.person_list, name="list"),
        path("<slug:slug>/", people.person_detail, name="detail"),
        path("<slug:slug>/papers.bib", people.person_papers_bibtex, name="papers_bibtex"),
    ],
    "people",
)

paper_patterns = (
    [
        path("", papers.paper_list, name="list"),
        path("<slug:slug>/", papers.paper_detail, name="detail"),
        path("<slug:slug>/bibtex", papers.paper_bibtex, name="bibtex"),
    ],
    "papers",
)

post_patterns = (
    [
        path("", posts.post_list, name="list"),
        path("<slug:slug>/", posts.post_detail, name="detail"),
    ],
    "posts",
)

# The show's reviews, and a listener's own review written, edited, deleted (an episode's
# are under episodes/<slug>/reviews/).
review_patterns = (
    [
        path("", reviews.show_reviews, name="list"),
        path("write/", reviews.write_show_review, name="write"),
        path("<int:pk>/edit/", reviews.edit_review, name="edit"),
        path("<int:pk>/delete/", reviews.delete_review, name="delete"),
    ],
    "reviews",
)
