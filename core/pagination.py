from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page=None):
    """The page asked for by ?page= (the last page if too high, the first if not a number)."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
