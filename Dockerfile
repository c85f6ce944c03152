# One image for the web process, the workers and beat.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
# The CPU build of torch keeps the image small; a GPU host installs the CUDA build of 2.13.0.
RUN /venv/bin/pip install --extra-index-url https://download.pytorch.org/whl/cpu -r /tmp/requirements.txt \
    && /venv/bin/python -m ipykernel install --prefix /venv --name python3

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 TRACKER_ENV=production DATA_DIR=/app/data
RUN useradd --create-home --uid 1000 tracker && mkdir -p /app/data && chown tracker /app/data
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=tracker . /app
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
