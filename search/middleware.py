from search import index


def index_batch(get_response):
    """Index what a request changed once, at its end: an episode saved in the admin with
    its forty chapters is one update of the search index, not forty-one."""

    def middleware(request):
        with index.batch():
            return get_response(request)

    return middleware
