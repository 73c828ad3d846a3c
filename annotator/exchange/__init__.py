"""Work that crosses project files: label import, REFI-QDA project import, merging projects.

Each workflow takes the engine of the project it writes (and, for a merge, the engines of the
files it reads), runs in one transaction and returns a report. They never open or close a
project and never touch a Project: annotator.project.Project is the facade that checks the
project may be written, opens the other files and forgets its caches afterwards. Their SQL lives
in annotator.storage (label_writes, memo_writes, exchange_queries).
"""
