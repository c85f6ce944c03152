from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sessions import selectors


@login_required
def dashboard(request):
    courses = selectors.courses_visible_to(request.user).filter(
        id__in=selectors.member_course_ids(user=request.user)
    )
    return render(request, "dashboard.html", {"courses": courses})
