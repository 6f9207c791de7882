"""The frame every page runs in: the signed-in actor and the page header (deep links: asgi_app.py)."""

from __future__ import annotations

import json

import streamlit as st

from components.i18n import LANGS, catalogue, t
from omradesatsing.permissions import ANONYMOUS, Actor

ACTOR_KEY = "actor"  # a built-in account signed in with username and password
SSO_KEY = "sso_actor"  # (subject, Actor) for a person signed in through st.login
CLOSED_KEY = "account_closed"  # set when a signed-in account was closed: said once, then forgotten


# Less empty space above the page title: a 1280×720 projector shows little else. Captions in a
# darker grey than Streamlit's (#828180 on white is 3.9:1; WCAG AA asks 4.5:1 for text).
HEAD_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #5c5b59 !important; opacity: 1 !important; }
</style>"""

# Two repairs for screen readers, re-applied whenever the page changes:
# - Streamlit's page menu puts each section's <li> elements inside a <div> inside the <ul>, which is
#   not a valid list (axe: "list", "listitem"). Each section gets the list role (named by its header)
#   and the outer <ul> loses it.
# - <html lang> follows the language in the address (?lang=, bokmål without it) after a switch on the
#   page; asgi_app.py sets it in the HTML from the first byte.
# - Streamlit's own English words ("Skip to main content", the table toolbar, pickers; the catalogues'
#   [frame] section) are shown in bokmål or nynorsk, in text and in aria-label/title/placeholder, as
#   elements appear (WCAG 3.1.2).
HEAD_SCRIPT = r"""<script>
(() => {
  if (window.__omrFix) return;
  window.__omrFix = true;
  const langs = %s;
  // Streamlit's own English words (the frame, tables, pickers) in the page's language.
  const words = %s;
  const ATTRS = ['aria-label', 'title', 'placeholder', 'aria-placeholder', 'alt'];
  const rules = {};
  const compiled = (lang) => {
    if (rules[lang] || !words[lang]) return rules[lang];
    const exact = new Map(), patterns = [];
    for (const [en, local] of Object.entries(words[lang])) {
      if (!en.includes('{')) { exact.set(en, local); continue; }
      const names = [];
      const source = en.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, n) => { names.push(n); return '(.*?)'; });
      patterns.push([new RegExp('^' + source + '$', 's'), names, local]);
    }
    return (rules[lang] = {exact, patterns});
  };
  const say = (text, r) => {
    const bare = text.trim();
    if (!bare) return null;
    const hit = r.exact.get(bare);
    if (hit !== undefined) return text.replace(bare, hit);
    for (const [re, names, local] of r.patterns) {
      const m = bare.match(re);
      if (m) return text.replace(bare, names.reduce((out, n, i) => out.replace('{' + n + '}', m[i + 1]), local));
    }
    return null;
  };
  const textNode = (n, r) => {
    const local = say(n.nodeValue, r);
    if (local !== null && local !== n.nodeValue) n.nodeValue = local;
  };
  const attribute = (el, a, r) => {
    const v = el.getAttribute(a);
    const local = v && say(v, r);
    if (local && local !== v) el.setAttribute(a, local);
  };
  // Charts (SVG, canvas) hold no words of Streamlit's: their subtrees, often thousands of nodes, are skipped.
  const skip = {acceptNode: (n) => (n.nodeName === 'svg' || n.nodeName === 'CANVAS' || n.nodeName === 'SCRIPT'
                                    || n.nodeName === 'STYLE') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT};
  const translate = (root, r) => {
    if (!r || !root) return;
    if (root.nodeType === Node.TEXT_NODE) return textNode(root, r);
    if (root.nodeType !== Node.ELEMENT_NODE || skip.acceptNode(root) === NodeFilter.FILTER_REJECT) return;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, skip);
    for (let n = root; n; n = walk.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) textNode(n, r);
      else if (n.hasAttributes()) for (const a of ATTRS) attribute(n, a, r);
    }
  };
  const pageLang = () => {
    const wanted = new URLSearchParams(location.search).get('lang');
    return langs.includes(wanted) ? wanted : langs[0];
  };
  const fix = () => {
    const lang = pageLang();
    if (document.documentElement.lang !== lang) document.documentElement.lang = lang;
    const ul = document.querySelector('[data-testid="stSidebarNavItems"]');
    if (!ul) return;
    if (ul.getAttribute('role') !== 'none') ul.setAttribute('role', 'none');
    for (const section of ul.children) {
      if (section.tagName !== 'DIV') continue;
      if (section.getAttribute('role') !== 'list') section.setAttribute('role', 'list');
      const header = section.querySelector('[data-testid="stNavSectionHeader"]');
      if (header) {
        if (header.getAttribute('role') !== 'none') header.setAttribute('role', 'none');
        const name = header.textContent.replace('expand_more', '').replace('expand_less', '').trim();
        if (name && section.getAttribute('aria-label') !== name) section.setAttribute('aria-label', name);
      }
    }
  };
  for (const method of ['pushState', 'replaceState']) {
    const original = history[method];
    history[method] = function (...args) { const result = original.apply(this, args); fix(); return result; };
  }
  window.addEventListener('popstate', fix);
  const changed = (records) => {
    fix();
    const r = compiled(pageLang());
    if (!r) return;
    for (const rec of records) {
      if (rec.type === 'childList') rec.addedNodes.forEach((n) => translate(n, r));
      else if (rec.type === 'characterData') textNode(rec.target, r);
      else attribute(rec.target, rec.attributeName, r);  // only the attribute that changed
    }
  };
  const start = () => {
    fix();
    translate(document.body, compiled(pageLang()));
    new MutationObserver(changed).observe(document.body, {childList: true, subtree: true, characterData: true,
                                                          attributes: true, attributeFilter: ATTRS});
  };
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
</script>""" % (json.dumps(list(LANGS)), json.dumps(  # noqa: UP031 (JavaScript is full of braces)
    {lang: {key.removeprefix("frame."): text for key, text in catalogue(lang).items() if key.startswith("frame.")}
     for lang in LANGS if lang != "en"}, ensure_ascii=False))

# asgi_app.py serves HEAD_CSS and HEAD_SCRIPT in the page's <head> and sets this: then they are no
# elements, which every rerun would send and the browser redraw. A run without the served entry
# (AppTest, ``streamlit run app.py``) adds them as elements.
HEAD_IN_PAGE = False


def style() -> None:
    if not HEAD_IN_PAGE:
        st.html(HEAD_CSS)
        st.html(HEAD_SCRIPT, unsafe_allow_javascript=True)


# The presentation theme (folkemøte, 1280×720 projector): no sidebar or toolbar, the whole width,
# every text at least 24 px (Streamlit sizes text in rem: 1rem = 24 px here), black text on white (21:1),
# the source line dark grey #3d3d3d (10.7:1), and a thick focus ring for people steering it by keyboard.
# The operator's bar (previous/next, counter, area, exit) is not projected: it lies over the top of the
# slide, invisible until the mouse is over it or the keyboard focus is in it (Tab reaches it).
_PRESENTATION_CSS = """<style>
html { font-size: 24px !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 2rem 0.4rem 2rem !important; max-width: 100% !important; }
[data-testid="stMain"] h1 { font-size: 1.9rem; padding: 0.2rem 0 0.2rem 0; color: #000; }
[data-testid="stMain"] p, [data-testid="stMain"] li { color: #000; font-size: 1rem; }
[data-testid="stMain"] li { margin: 0; }
.st-key-omr_lead p { font-size: 1.2rem; line-height: 1.3; }
.st-key-omr_source p { font-size: 1rem; line-height: 1.25; color: #3d3d3d !important; }
.st-key-omr_source strong { color: #000; }
.st-key-omr_source { padding-right: 190px; }  /* the QR code's corner */
.st-key-omr_qr { position: fixed !important; right: 0.8rem; bottom: 0.5rem; width: 170px !important; z-index: 10;
  background: #fff; }
.st-key-omr_qr img, .st-key-omr_qr_large img { display: block; width: 100%; height: auto; }
.st-key-omr_auto { position: fixed !important; top: 0.3rem; right: 0.8rem; width: auto !important; z-index: 999980; }
.st-key-omr_auto [data-omr-auto]:not([data-state="paused"]) { display: none; }
.st-key-omr_auto p { margin: 0; padding: 0.1rem 0.5rem; font-size: 1rem; color: #3d3d3d; background: #fff;
  border: 2px solid #3d3d3d; border-radius: 0.3rem; cursor: pointer; }
.st-key-presentation_controls { position: fixed !important; top: 0; left: 0; right: 0; z-index: 999990;
  background: #fff; padding: 0.3rem 2rem; border-bottom: 2px solid #3d3d3d; opacity: 0;
  transition: opacity 0.15s; width: 100% !important; height: auto !important; }
.st-key-presentation_controls:hover, .st-key-presentation_controls:focus-within { opacity: 1; }
.st-key-presentation_controls p { margin: 0; }
.st-key-presentasjon_packs { width: auto !important; flex: 0 0 auto !important; flex-wrap: nowrap !important; }
.st-key-presentation_controls [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
.st-key-presentation_controls button p, .st-key-presentation_controls a p,
.st-key-presentation_controls [data-baseweb="select"] * { font-size: 1rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: 2.2rem; line-height: 1.2; color: #000; }
[data-testid="stMetric"] { gap: 0.2rem; }
[data-testid="stElementContainer"]:has(> .stHtml > style:only-child),
[data-testid="stElementContainer"]:has(> .stHtml > script:only-child) { display: none; }
[data-testid="stMetricLabel"] p { font-size: 1rem; color: #000; white-space: normal !important; }
[data-testid="stMetricLabel"] div, [data-testid="stMetricLabel"] {
  white-space: normal !important; overflow: visible !important; height: auto !important; }
[data-testid="stAlertContainer"] p { font-size: 1rem; }
:focus-visible { outline: 4px solid #0b4f8a !important; outline-offset: 2px; }
/* The venue's network drops: Streamlit's connection dialog becomes a note in the top-right corner for the
   operator instead of a modal greying the slide, which stays readable (and its QR code scannable). */
[data-testid="stDialog"] { background: transparent !important; pointer-events: none; align-items: flex-start !important;
  justify-content: flex-end !important; padding: 0.3rem 0.8rem !important; }
[data-testid="stDialog"] > div { pointer-events: auto; width: 24rem !important; max-width: 24rem !important; margin: 0 !important;
  border: 2px solid #3d3d3d; box-shadow: none !important; }
[data-testid="stDialog"] section[role="dialog"] { padding: 0.3rem 2rem 0.3rem 0.6rem !important; gap: 0.2rem !important; }
[data-testid="stDialog"] h2 { font-size: 1rem !important; padding: 0 !important; }
[data-testid="stDialog"] div { font-size: 1rem; color: #000; }
@media (max-width: 700px) {  /* a phone: smaller type, the chart as drawn for the projector, scrolled sideways */
  html { font-size: 18px !important; }
  [data-testid="stMainBlockContainer"] { padding: 0.6rem 1rem 0.4rem 1rem !important; }
  [data-testid="stElementContainer"]:has(> [data-testid="stVegaLiteChart"]) { overflow-x: auto; }
  [data-testid="stVegaLiteChart"] { min-width: 720px; }
  .st-key-presentasjon_packs { flex-wrap: wrap !important; flex-shrink: 1 !important; }
}
</style>"""

# Clickers send PageDown/PageUp, and a presenter may press the space bar: they step like → and ← (the
# buttons' own shortcuts), by clicking the button, so the same callback runs. Only while the slides are
# on the page; not while typing in a field or with the focus on a button (which the key presses itself).
# Auto-advance (``?auto=N``): the page draws an element with ``data-omr-auto="N"``; while it is there,
# the Next button is clicked N seconds after the slide was shown, until the last slide (Next disabled).
# Any key pauses it (the element's ``data-state`` becomes "paused", which shows the operator's note);
# A, or a click on the note, resumes. The state lives in this window: a rerun keeps it, a reload resets it.
PRESENTATION_KEYS = r"""<script>
(() => {
  if (window.__omrSlideKeys) return;
  window.__omrSlideKeys = true;
  const auto = {paused: false, slide: null, since: Date.now()};
  const typing = (t) => t && t.closest && t.closest('input, textarea, select, [role="combobox"], [contenteditable="true"]');
  const resume = () => { auto.paused = false; auto.since = Date.now(); tick(); };
  document.addEventListener('keydown', (e) => {
    if (document.querySelector('[data-omr-auto]')) {
      if (auto.paused && (e.key === 'a' || e.key === 'A') && !typing(e.target)) { e.preventDefault(); resume(); return; }
      auto.paused = true;
      tick();
    }
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const which = {PageDown: 'next', PageUp: 'prev', ' ': 'next'}[e.key];
    if (!which || !document.querySelector('.st-key-presentation_controls')) return;
    const t = e.target;
    if (t && t.closest && t.closest('input, textarea, select, button, a, [role="combobox"], [contenteditable="true"]')) return;
    const button = document.querySelector('.st-key-' + which + ' button');
    e.preventDefault();
    if (button && !button.disabled) button.click();
  }, true);
  document.addEventListener('click', (e) => {
    if (auto.paused && e.target.closest && e.target.closest('[data-omr-auto]')) resume();
  }, true);
  const tick = () => {
    const el = document.querySelector('[data-omr-auto]');
    if (!el) return;
    const slide = new URLSearchParams(location.search).get('lysbilde') || '1';
    if (slide !== auto.slide) { auto.slide = slide; auto.since = Date.now(); }
    const next = document.querySelector('.st-key-next button');
    const state = auto.paused ? 'paused' : (!next || next.disabled ? 'ended' : 'running');
    if (el.dataset.state !== state) el.dataset.state = state;
    const seconds = Number(el.dataset.omrAuto);
    if (state !== 'running' || !(seconds > 0) || Date.now() - auto.since < seconds * 1000) return;
    if (document.querySelector('[data-testid="stApp"][data-test-script-state="running"]')) return;
    auto.since = Date.now();
    next.click();
  };
  setInterval(tick, 250);
})();
</script>"""


def presentation_style() -> None:
    st.html(_PRESENTATION_CSS)
    st.html(PRESENTATION_KEYS, unsafe_allow_javascript=True)


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (st.login is set up)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all, or one that cannot be read
        return False


@st.cache_data(ttl=60, show_spinner=False)
def _reachable(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - the configured provider
            return response.status == 200
    except Exception:  # noqa: BLE001 - any failure means: not now
        return False


def sso_available() -> bool:
    """The identity provider answers (checked at most once a minute). Otherwise st.login would end
    on a bare "Authentication error" page, so the sign-in button is disabled with a message."""
    url = st.secrets["auth"].get("server_metadata_url")
    return _reachable(str(url)) if url else True


def _sso_claims() -> dict | None:
    if not sso_configured():
        return None
    try:
        claims = st.user.to_dict()
    except Exception:  # noqa: BLE001 - st.user is unavailable outside a browser session
        return None
    return claims if claims.get("is_logged_in") else None


def sso_actor() -> Actor | None:
    """The person signed in through single sign-on, with role and areas from the token's claims
    (computed once per session; the sign-in is written to the audit log then)."""
    claims = _sso_claims()
    if claims is None:
        st.session_state.pop(SSO_KEY, None)
        return None
    subject = str(claims.get("sub") or claims.get("email"))
    cached = st.session_state.get(SSO_KEY)
    if cached and cached[0] == subject:
        return cached[1]
    from components.data import current_engine, q
    from omradesatsing import auth, read, sso

    try:
        settings = sso.SsoSettings.from_mapping(st.secrets.get("omradesatsing_sso"))
        who = sso.actor_from_claims(claims, settings, q(read.places.areas)["slug"])
    except ValueError:
        return None
    auth.record_sso_login(current_engine(), who)
    st.session_state[SSO_KEY] = (subject, who)
    return who


def actor() -> Actor:
    value = st.session_state.get(ACTOR_KEY)
    if isinstance(value, Actor):
        return value
    return sso_actor() or ANONYMOUS


def refresh_actor() -> None:
    """Once per run, before anything is shown: the signed-in account as the store says it is now.

    An admin's change (another role, other areas, the account closed) holds from the next run of
    every session already signed in, not only from its next sign-in; a closed account is signed out
    with a message. The core checks the account again on every write (``auth.current_actor``).
    """
    who = actor()
    if not who.is_authenticated:
        return
    from sqlalchemy.exc import SQLAlchemyError

    from components.data import current_engine
    from omradesatsing import auth

    try:
        fresh = auth.refresh(current_engine(), who)
    except SQLAlchemyError:  # the store is down: the page says so; writes fail in the core anyway
        return
    if fresh == who:
        return
    if isinstance(st.session_state.get(ACTOR_KEY), Actor):
        if fresh is None:
            st.session_state.pop(ACTOR_KEY, None)
            st.session_state[CLOSED_KEY] = True
        else:
            st.session_state[ACTOR_KEY] = fresh
    elif fresh is None:  # single sign-on, but the account is closed here
        st.session_state[SSO_KEY] = (st.session_state.get(SSO_KEY, ("", None))[0], ANONYMOUS)
        st.session_state[CLOSED_KEY] = True


def closed_notice() -> None:
    """Say once that the session was signed out because the account was closed."""
    if st.session_state.pop(CLOSED_KEY, False):
        st.warning(t("login.account_closed"), icon=":material/no_accounts:")


def sign_in(who: Actor) -> None:
    st.session_state[ACTOR_KEY] = who


def is_sso_session() -> bool:
    """Signed in through single sign-on (and not with a built-in account on top)."""
    return not isinstance(st.session_state.get(ACTOR_KEY), Actor) and _sso_claims() is not None


def sign_out() -> None:
    """Built-in accounts: forget the actor (the caller reruns)."""
    st.session_state.pop(ACTOR_KEY, None)


def sso_sign_out() -> None:
    """Single sign-on: end the session here and at the provider (a button callback: st.logout
    redirects, so no rerun may follow it)."""
    st.session_state.pop(SSO_KEY, None)
    st.logout()


def header(title_key: str, intro_key: str | None = None) -> None:
    st.title(t(title_key))
    if intro_key:
        st.markdown(t(intro_key))
