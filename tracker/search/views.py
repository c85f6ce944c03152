from urllib.parse import urlencode

from django.shortcuts import render

from tracker.search.forms import SearchForm
from tracker.search.selectors import search
from tracker.search.sources import SOURCES


def _link(query: str, types: list[str], page: int = 1) -> str:
    params = [("q", query), *(("type", kind) for kind in types)]
    if page > 1:
        params.append(("page", page))
    return "?" + urlencode(params)


def search_results(request):
    """The results page: the current page's matches grouped by kind, with a count per kind."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": request.GET.get("q", "")}
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    query, types = form.cleaned_data["q"], form.cleaned_data["type"]
    context["query"] = query
    if query.strip():
        page = search(
            user=request.user, query=query, types=types, page=form.cleaned_data["page"] or 1
        )
        context["page"] = page
        context["kinds"] = [
            {
                "label": source.label,
                "count": page.counts[source.type],
                "capped": source.type in page.capped,
                "url": _link(query, [source.type]),
                "current": types == [source.type],
            }
            for source in SOURCES
        ]
        context["all_url"] = _link(query, [])
        context["all_count"] = sum(page.counts.values())
        context["all_capped"] = bool(page.capped)
        if page.has_previous:
            context["previous_url"] = _link(query, types, page.page - 1)
        if page.has_next:
            context["next_url"] = _link(query, types, page.page + 1)
    return render(request, "search/results.html", context)
