"""The bare app (bare_app.py) served exactly as ours is: through ``st.App`` with the same ASGI
middleware as asgi_app.py (so the same web server, Starlette, instead of Streamlit's default)."""

import streamlit as st

from asgi_app import MIDDLEWARE

app = st.App("bare_app.py", middleware=MIDDLEWARE)
