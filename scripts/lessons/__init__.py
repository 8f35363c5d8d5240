"""The lesson pages' build-time machinery, one module per job; the MkDocs hook
functions that use them are in scripts/lesson_hook.py.

    syntax      the fence pattern, LessonError (file:line: one sentence)
    numbers     {{ expr }} numbers and {{ claim: expr }} claims, a page's names
    widgets     ```exercise and ```predict fences: parsed, checked, rendered
    notebooks   a lesson page as a Jupyter notebook
"""
