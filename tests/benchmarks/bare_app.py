"""The yardstick for the benchmark: a bare Streamlit app served the same way as ours, with two
pages, a title, a sentence and a selectbox each. Not part of the product."""

import streamlit as st


def page(name: str):
    def run() -> None:
        st.title(name)
        st.write("En setning med litt tekst.")
        st.selectbox("Velg", ["a", "b", "c"], key=f"velg_{name}")

    return run


nav = st.navigation([st.Page(page("Side en"), title="Side en", url_path="en", default=True),
                     st.Page(page("Side to"), title="Side to", url_path="to")])
nav.run()
