from django.shortcuts import get_object_or_404, render

from readings import selectors


def reading_list(request):
    return render(
        request, "readings/reading_list.html", {"readings": selectors.readings_with_details()}
    )


def reading_detail(request, slug):
    reading = get_object_or_404(selectors.readings_with_details(), slug=slug)
    highlights = selectors.highlights_visible_to(request.user).filter(reading=reading)
    return render(
        request, "readings/reading_detail.html", {"reading": reading, "highlights": highlights}
    )


def term_list(request):
    return render(request, "readings/term_list.html", {"terms": selectors.terms_with_names()})


def term_detail(request, slug):
    term = get_object_or_404(selectors.terms_with_names(), slug=slug)
    return render(request, "readings/term_detail.html", {"term": term})
