from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.search.forms import SearchForm
from tracker.search.related import terms_to_link as terms_to_link_for
from tracker.search.selectors import default_mode, search
from tracker.search.sources import SOURCES


def _link(query: str, types: list[str], page: int = 1, mode: str = "") -> str:
    params = [("q", query), *(("type", kind) for kind in types)]
    if mode:
        params.append(("mode", mode))
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
        chosen_mode = form.cleaned_data["mode"]
        mode = chosen_mode or default_mode()
        page = search(
            user=request.user,
            query=query,
            types=types,
            page=form.cleaned_data["page"] or 1,
            mode=mode,
        )
        context["mode"] = mode
        context["modes"] = [
            {"label": label, "url": _link(query, types, mode=value), "current": value == mode}
            for value, label in form.fields["mode"].choices
        ]
        context["page"] = page
        context["kinds"] = [
            {
                "label": source.label,
                "count": page.counts[source.type],
                "capped": source.type in page.capped,
                "url": _link(query, [source.type], mode=chosen_mode),
                "current": types == [source.type],
            }
            for source in SOURCES
        ]
        context["all_url"] = _link(query, [], mode=chosen_mode)
        context["all_count"] = sum(page.counts.values())
        context["all_capped"] = bool(page.capped)
        if page.has_previous:
            context["previous_url"] = _link(query, types, page.page - 1, chosen_mode)
        if page.has_next:
            context["next_url"] = _link(query, types, page.page + 1, chosen_mode)
    return render(request, "search/results.html", context)


@login_required
@require_POST
def terms_to_link(request):
    """An htmx fragment beside a reflection being written: glossary terms near its meaning
    that it does not link yet. Reads only the shared glossary; nothing is stored. Signed-in
    writers only: each call may run the model."""
    text = request.POST.get("body", "")[:MARKDOWN_MAX_CHARS]
    terms = terms_to_link_for(user=request.user, text=text)
    return render(request, "search/_terms_to_link.html", {"terms": terms})
