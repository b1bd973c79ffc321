"""The Streamlit app of the airlift planner: ``streamlit run app/main.py``.

Modules: ``state`` (session state), ``runner`` (background solve, no Streamlit),
``tables`` (scenario dict <-> editable tables, no Streamlit), ``charts`` (altair and
pydeck builders, no Streamlit) and one script per page in ``views/``. Not ``pages/``:
Streamlit runs a script of a folder of that name on its own, without ``main.py``, when
its URL is the first visit after a restart.
"""
