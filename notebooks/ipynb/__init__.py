"""Working with .ipynb files, apart from the database: reading and checking an upload and its
parameters (validation), running one with papermill (execution), turning the executed notebook
into files (artifacts), and telling which device a worker has (device)."""
