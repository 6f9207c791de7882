"""The presentation's slides as an editable PowerPoint deck (16:9): real text boxes in large type, the
charts as native PowerPoint charts (the numbers can be edited in PowerPoint or Impress), the source and
period on every slide and in its speaker notes, the QR code to the phone page in a corner and on the
closing «Spørsmål?» slide. The same readers and texts as Presentasjon."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from omradesatsing import formatting as fmt, read
from omradesatsing.catalogue import in_language, tr
from omradesatsing.programme import HEADLINE_INDICATORS
from omradesatsing.read import Store
from omradesatsing.reports import qr
from omradesatsing.takeaway import takeaway_for_areas
from omradesatsing.vocabulary import STATUS_CARD_ORDER

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
FONT = "DejaVu Sans"
ACCENT = RGBColor(0x0B, 0x4F, 0x8A)
INK = RGBColor(0, 0, 0)
MUTED = RGBColor(0x3D, 0x3D, 0x3D)
CITY = RGBColor(0x5C, 0x5B, 0x59)
TITLE_PT, LEAD_PT, BODY_PT, SOURCE_PT, CHART_PT = 36, 28, 24, 18, 18
QR_SIZE = Inches(1.5)
CARDS_TOP, CHART_TOP, CHART_HEIGHT = Inches(3.0), Inches(2.75), Inches(3.6)


class Deck:
    def __init__(self, language: str, phone_url: str | None):
        self.language = language
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.phone_url = phone_url
        self.qr = qr.qr_png(phone_url) if phone_url else None
        self.locale = {"nb": "nb-NO", "nn": "nn-NO"}.get(language, "en-GB")

    def t(self, key: str, **values) -> str:
        return tr(self.language, key, **values)

    def slide(self, title: str, notes: str, *, corner_qr: bool = True):
        s = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank: our own text boxes
        self.text(s, title, Inches(0.6), Inches(0.3), WIDTH - Inches(2.9), Inches(1.3), TITLE_PT, bold=True,
                  colour=ACCENT, name="Tittel")
        s.notes_slide.notes_text_frame.text = notes
        if self.qr and corner_qr:
            self.picture(s, self.qr, WIDTH - QR_SIZE - Inches(0.3), Inches(0.25), QR_SIZE,
                         self.t("reports.qr_alt", url=self.phone_url))
        return s

    def text(self, s, text: str, left, top, width, height, size: int, *, bold=False, colour=INK, name=None):
        box = s.shapes.add_textbox(left, top, width, height)
        if name:
            box.name = name
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate(text.split("\n")):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = p.add_run()
            run.text = line
            run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
            run.font.color.rgb = colour
            run.font._rPr.set("lang", self.locale)  # the text's language, for spelling and screen readers
        return box

    def picture(self, s, png: bytes, left, top, size, description: str):
        pic = s.shapes.add_picture(io.BytesIO(png), left, top, width=size)
        pic._element.nvPicPr.cNvPr.set("descr", description)  # the picture's alt text (no python-pptx API)
        return pic

    def source(self, s, text: str):
        self.text(s, text, Inches(0.6), HEIGHT - Inches(0.95), WIDTH - Inches(1.2), Inches(0.8), SOURCE_PT,
                  colour=MUTED, name="Kilde")

    def cards(self, s, cards: list[tuple[str, str]], top=CARDS_TOP):
        n = max(len(cards), 1)
        gap = Inches(0.3)
        width = Emu(int((WIDTH - Inches(1.2) - gap * (n - 1)) / n))
        for i, (value, label) in enumerate(cards):
            left = Inches(0.6) + (width + gap) * i
            box = self.text(s, value, left, top, width, Inches(1.2), 40, bold=True, colour=ACCENT)
            p = box.text_frame.add_paragraph()
            run = p.add_run()
            run.text = label
            run.font.size, run.font.name, run.font.color.rgb = Pt(BODY_PT), FONT, INK
            run.font._rPr.set("lang", self.locale)

    def chart(self, s, categories: list[str], series: list[tuple[str, list]], number_format: str, *,
              top=CHART_TOP, height=CHART_HEIGHT, colours=None):
        data = CategoryChartData(number_format=number_format)
        data.categories = categories
        for name, values in series:
            data.add_series(name, values)
        frame = s.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.6), top, WIDTH - Inches(1.2), height, data)
        chart = frame.chart
        # The chart's language: decimal comma in the data labels where the viewer honours it.
        lang_el = chart._chartSpace.find(qn("c:lang"))
        if lang_el is None:
            lang_el = chart._chartSpace.makeelement(qn("c:lang"), {})
            chart._chartSpace.insert(0, lang_el)
        lang_el.set("val", self.locale)
        chart.font.size, chart.font.name = Pt(CHART_PT), FONT
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = number_format, False
        plot.data_labels.font.size = Pt(CHART_PT)
        chart.category_axis.reverse_order = True  # the first area on top, as on the slide
        chart.value_axis.visible = False
        chart.value_axis.has_major_gridlines = False
        for i, ser in enumerate(plot.series):
            ser.format.fill.solid()
            ser.format.fill.fore_color.rgb = (colours or [CITY, ACCENT])[i % len(colours or [CITY, ACCENT])]
        return frame

    def bytes(self) -> bytes:
        self.prs.core_properties.language = self.locale
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _number_format(unit: str, decimals: int) -> str:
    body = "0" if decimals == 0 else "0." + "0" * decimals
    if unit == "percent":
        return body + '" %"'
    if unit == "nok":
        return '#,##0" kr"'
    return body


def render(store: Store, slug: str | None, language: str = "nb", today: dt.date | None = None) -> bytes:
    today = today or dt.date.today()
    areas = read.places.areas(store)
    names = dict(zip(areas["slug"], areas["name"], strict=True))
    in_work = list(areas[areas["state"] != "ended"]["slug"])
    shown = in_work if slug is None else [slug]
    if slug is not None and slug not in names:
        raise KeyError(slug)
    place = (tr(language, "presentation.areas_in_work", names=", ".join(names[s] for s in in_work)) if slug is None
             else names[slug])
    deck = Deck(language, qr.phone_url(slug, language))
    t = deck.t
    illustrative = t("common.illustrative")

    # 1. Intro
    measures = read.programme.measures(store)
    mine = read.programme.status_summary(measures, tuple(shown))
    grants = read.money.grant_summary(store)
    title = t("presentation.intro_title") if slug is None else t("presentation.intro_title_area", area=place)
    s = deck.slide(title, t("presentation.intro_lead"))
    deck.text(s, t("presentation.intro_lead"), Inches(0.6), Inches(1.65), WIDTH - Inches(2.6), Inches(1.2), LEAD_PT)
    first = (str(len(shown)), t("presentation.kpi_areas")) if slug is None else (
        t("state." + areas.set_index("slug").loc[slug, "state"]), t("presentation.kpi_area"))
    deck.cards(s, [first, (str(mine["measures"]), t("presentation.kpi_measures")
                           + (f" · {illustrative}" if mine["illustrative"] else "")),
                   (fmt.million_kroner(grants["known_nok"], 1, language), t("presentation.kpi_grants"))])
    intro_source = t("presentation.intro_source", first=grants["first"], last=grants["last"]).replace("**", "")
    deck.source(s, intro_source)
    s.notes_slide.notes_text_frame.text += "\n\n" + intro_source

    # 2. One slide per headline indicator: the takeaway, a native chart (start, now; Bergen), the source.
    meta = read.indicators.indicators(store).set_index("key")
    for key in HEADLINE_INDICATORS:
        if key not in meta.index:
            continue
        info = meta.loc[key]
        name, unit, decimals = str(info[f"name_{language}"]), str(info["unit"]), int(info["decimals"])
        gaps = read.indicators.indicator_gaps(store, key, tuple(shown))
        if gaps.empty or gaps["value"].notna().sum() == 0:
            continue
        year = int(gaps["year"].max())
        gaps = gaps[gaps["year"] == year]
        sentence = takeaway_for_areas(gaps.to_dict("records"), list(gaps["area_name"]), indicator=name,
                                      language=language)
        lead = in_language(sentence, language) if sentence is not None else ""
        is_illustrative = bool(gaps["illustrative"].any() or gaps["city_illustrative"].any())
        source = (t("common.source", source=", ".join(sorted(set(gaps["source_title"].dropna()))))
                  + " · " + t("common.period", period=str(year)) + (f" · {illustrative}" if is_illustrative else ""))
        direction = t("presentation.direction_better_high" if info["higher_is_better"]
                      else "presentation.direction_better_low")
        s = deck.slide(name, f"{lead}\n\n{direction}\n{source}")
        deck.text(s, lead, Inches(0.6), Inches(1.65), WIDTH - Inches(2.6), Inches(1.0), LEAD_PT)
        cats, base, now = [], [], []
        for r in gaps.itertuples():
            cats.append(r.area_name)
            # A hidden value is no bar and no label (None), never its number.
            now.append(None if r.suppressed or pd.isna(r.value) else float(r.value))
            base.append(None if r.suppressed or r.base_value is None or pd.isna(r.base_value) else float(r.base_value))
        city = gaps["city_value"].dropna()
        if not city.empty:
            cats.append(t("indicators.bergen"))
            now.append(float(city.iloc[0]))
            base.append(None)
        start_years = sorted({int(y) for y in gaps["base_year"].dropna()})
        start_name = t("presentation.legend_start") + (f" ({start_years[0]})" if len(start_years) == 1 else "")
        deck.chart(s, cats, [(start_name, base), (t("presentation.legend_now", year=year), now)],
                   _number_format(unit, decimals))
        deck.source(s, direction + "\n" + source)

    # 3. Money: budget and spent per area (native chart, millions of kroner).
    by_area = read.money.money_totals(store, "area", area_slugs=tuple(shown))
    total = read.money.investment_summary(store, area_slugs=tuple(shown))
    lead = t("presentation.money_lead", budget=fmt.million_kroner(total["budget_nok"], 1, language),
             spent=fmt.million_kroner(total["spent_nok"], 1, language), place=place)
    money_source = t("common.source", source=t("presentation.money_source")) + f" · {illustrative}"
    s = deck.slide(t("presentation.money_title"), f"{lead}\n\n{money_source}")
    deck.text(s, lead, Inches(0.6), Inches(1.65), WIDTH - Inches(2.6), Inches(1.0), LEAD_PT)
    if not by_area.empty:
        by_area = by_area.sort_values("budget_nok", ascending=False)
        deck.chart(s, list(by_area["area_name"]),
                   [(t("investments.legend_budget"), [v / 1e6 for v in by_area["budget_nok"]]),
                    (t("investments.legend_spent"), [v / 1e6 for v in by_area["spent_nok"]])],
                   '0.0" mill. kr"', colours=[RGBColor(0x9E, 0xCA, 0xE1), ACCENT])
    deck.source(s, money_source)

    # 4. Measures: how they stand.
    lead = t("presentation.measures_lead", n=mine["measures"], place=place)
    stale = (t("presentation.measures_stale", n=mine["stale"]) if mine["stale"]
             else t("presentation.measures_all_fresh"))
    measures_source = (t("common.source", source=t("presentation.measures_source")) + " · "
                       + fmt.date(today, language) + f" · {illustrative}")
    s = deck.slide(t("presentation.measures_title"), f"{lead}\n{stale}\n\n{measures_source}")
    deck.text(s, lead, Inches(0.6), Inches(1.65), WIDTH - Inches(2.6), Inches(1.0), LEAD_PT)
    deck.cards(s, [(str(mine["by_status"][st]), t("status." + st)) for st in STATUS_CARD_ORDER[:4]])
    deck.text(s, stale, Inches(0.6), Inches(4.6), WIDTH - Inches(1.2), Inches(0.8), BODY_PT)
    deck.source(s, measures_source)

    # 5. Questions: the QR to the phone page and where to turn.
    lines, example = [], False
    for where in shown:
        for c in read.places.contacts(store, where).itertuples():
            details = [c.role, c.office] + ([c.address, c.email, c.phone, c.opening_hours] if slug else [])
            lines.append(", ".join(str(x) for x in details if isinstance(x, str) and x))
            example = example or bool(c.illustrative)
    contact = "\n".join(lines) if lines else t("reports.contact_programme")
    if example:
        contact += f"\n({illustrative})"
    s = deck.slide(t("reports.questions"), t("reports.questions_notes"), corner_qr=False)
    deck.text(s, contact, Inches(0.6), Inches(1.6), Inches(7.5), Inches(2.0), LEAD_PT)
    if deck.qr:
        deck.picture(s, deck.qr, WIDTH - Inches(4.6), Inches(1.6), Inches(4.0),
                     t("reports.qr_alt", url=deck.phone_url))
        deck.text(s, t("reports.qr_text") + "\n" + deck.phone_url, Inches(0.6), Inches(4.2), Inches(7.5),
                  Inches(1.6), BODY_PT)
    else:
        deck.text(s, qr.missing_note(language), Inches(0.6), Inches(4.2), Inches(7.5), Inches(1.6), BODY_PT,
                  colour=MUTED)
    return deck.bytes()
