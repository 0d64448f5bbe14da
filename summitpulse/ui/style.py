"""The look: high-contrast light and dark themes and large type for a projector."""

from __future__ import annotations

import streamlit as st

from .palette import MODES

# The live screen (cards.screen): every size in --u, 1 % of the viewport's height, or of 4/3 of the width the page
# gives it (beside a sidebar, less) when that is less, so a 1024×768 projector and a 4K screen show the same screen, only sharper. What drops out where there
# is no room is in README ("The live screen on any projector"); lists show whole entries only (a column that wraps
# its overflow out of sight).
SCREEN_CSS = """
  .sp-screen {--u: min(1vh, .75cqw); --small: calc(2.3 * var(--u)); --body: calc(2.7 * var(--u));
              height: calc(100vh - var(--sp-chrome)); display:flex; flex-direction:column; gap: calc(1.2 * var(--u));
              overflow:hidden; font-size: var(--body); line-height:1.3;}
  .sp-screen .sp-header {flex:none; margin:0; padding-bottom: calc(.6 * var(--u)); border-bottom-width: calc(.5 * var(--u));}
  .stApp .sp-screen h1.sp-title {font-size: calc(4.4 * var(--u)); padding:0; margin:0;}
  .sp-screen .sp-sub, .sp-screen .sp-nowline {font-size: var(--small);}
  .sp-screen .sp-nowline .sp-note, .sp-screen .sp-nowline b {font-size: var(--small); display:inline-block; max-width: 40vw;
              overflow:hidden; text-overflow:ellipsis; white-space:nowrap; vertical-align:bottom;}
  .sp-screen .sp-clock {font-size: calc(4.4 * var(--u));}
  .sp-screen .sp-tiles {flex:none; grid-template-columns: minmax(0, 1.5fr) repeat(5, minmax(0, 1fr)); gap: calc(1.2 * var(--u)); margin:0;}
  .sp-screen .sp-tile {padding: calc(.8 * var(--u)) calc(1.3 * var(--u)); border-radius: calc(1.2 * var(--u)); min-width:0;}
  .sp-screen .sp-tile .k {font-size: var(--small); letter-spacing:.02em; white-space:nowrap; overflow:hidden; text-overflow:ellipsis;}
  .sp-screen .sp-tile .v {font-size: calc(6.2 * var(--u));}
  .sp-screen .sp-tile .d {font-size: var(--small); line-height:1.25; height: calc(2 * 1.25 * var(--small)); overflow:hidden;}
  .sp-screen .sp-main {flex: 1 1 0; min-height:0; display:grid; gap: calc(1.5 * var(--u)) calc(2.2 * var(--u));
              grid-template-areas: "chart wall leaders" "pulse wall leaders";
              grid-template-columns: minmax(0, 1.3fr) minmax(0, 1.15fr) minmax(0, .85fr);
              grid-template-rows: minmax(0, 1.45fr) minmax(0, 1fr);}
  .sp-screen.sp-alone .sp-main {grid-template-areas: "only"; grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr);}
  .sp-screen.sp-alone .sp-panel {grid-area: only;}
  .sp-screen .sp-panel {display:flex; flex-direction:column; min-height:0; min-width:0; overflow:hidden;}
  .sp-screen .sp-p-chart {grid-area: chart;} .sp-screen .sp-p-wall {grid-area: wall;}
  .sp-screen .sp-p-pulse {grid-area: pulse;} .sp-screen .sp-p-leaders {grid-area: leaders;}
  .stApp .sp-screen h2.sp-panel-title {font-size: calc(3 * var(--u)); margin: 0 0 calc(.6 * var(--u)); padding:0; line-height:1.2;}
  .sp-screen .sp-fill {flex: 1 1 0; min-height:0; overflow:hidden;}
  .sp-screen .sp-list {height:100%; display:flex; flex-direction:column; flex-wrap:wrap; align-content:flex-start;
              column-gap: 50vw; overflow:hidden;}
  .sp-screen .sp-list > * {width:100%; flex:none; box-sizing:border-box;}
  .sp-screen .sp-note, .sp-screen .sp-footnote {font-size: var(--small);}
  .sp-screen .sp-footnote {flex:none; margin:0; color: var(--sp-muted); line-height:1.25;}
  .sp-screen .sp-card {gap: calc(1.2 * var(--u)); padding: calc(1 * var(--u)) calc(1.3 * var(--u));
              margin-bottom: calc(1 * var(--u)); border-radius: calc(1.2 * var(--u)); border-left-width: calc(.7 * var(--u));}
  .sp-screen .sp-card .av {width: calc(5.5 * var(--u)); height: calc(5.5 * var(--u)); font-size: var(--body);}
  .sp-screen .sp-card .who {font-size: var(--body);}
  .sp-screen .sp-card .meta {font-size: var(--small);}
  .sp-screen .sp-card .txt {font-size: var(--body); -webkit-line-clamp: 3;}
  .sp-screen .sp-card img.media {max-height: calc(9 * var(--u));}
  .sp-screen .sp-rank {font-size: var(--body); gap: calc(1 * var(--u)); padding: calc(.7 * var(--u)) 0;}
  .sp-screen .sp-rank .sp-note {font-size: var(--small); overflow:hidden; text-overflow:ellipsis; white-space:nowrap;}
  .sp-screen .sp-rank .av {width: calc(4.6 * var(--u)); height: calc(4.6 * var(--u));}
  .sp-screen .sp-rank .n small {font-size: var(--small);}
  .sp-screen .sp-chart {height:100%; display:flex; flex-direction:column; font-size: var(--small);}
  .sp-screen .sp-legend {flex:none;}
  .sp-screen .sp-plot {flex: 1 1 0; min-height:0; max-height:none; margin: .4em 1.6em 0 3.4em;}
  .sp-screen .sp-xaxis {flex:none; margin-right: 1.6em;}
  .sp-screen .sp-bars {font-size: var(--body); gap: calc(.8 * var(--u)) calc(1.2 * var(--u)); max-height:100%;
              overflow:hidden;}
  @container (width < 150vh) {  /* 4:3 and 5:4: two columns; the reach counter and the theme pulse go */
    .sp-screen .sp-main {grid-template-areas: "chart wall" "leaders wall"; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
              grid-template-rows: minmax(0, 1.3fr) minmax(0, 1fr);}
    .sp-screen .sp-tiles {grid-template-columns: minmax(0, 1.5fr) repeat(4, minmax(0, 1fr));}
    .sp-screen:not(.sp-alone) .sp-p-pulse {display:none;}
    .sp-screen .sp-tile:nth-child(6) {display:none;}
  }
  @container (width < 100vh) {  /* portrait: one column; the theme pulse, the leaders, then the chart go */
    .sp-screen {--u: min(1vh, 1.6cqw);}
    .sp-screen .sp-main {grid-template-areas: "chart" "wall"; grid-template-columns: minmax(0, 1fr);
              grid-template-rows: minmax(0, 1fr) minmax(0, 2fr);}
    .sp-screen .sp-tiles {grid-template-columns: repeat(3, minmax(0, 1fr));}
    .sp-screen .sp-tile:nth-child(6) {display:block;}
    .sp-screen .sp-nowline {display:none;}
    .sp-screen:not(.sp-alone) .sp-p-pulse, .sp-screen:not(.sp-alone) .sp-p-leaders {display:none;}
  }
  @container (width < 60vh) {  /* a phone upright */
    .sp-screen .sp-main {grid-template-areas: "wall"; grid-template-rows: minmax(0, 1fr);}
    .sp-screen:not(.sp-alone) .sp-p-chart {display:none;}
  }
  @media (prefers-reduced-motion: reduce) {
    *, *::before, *::after {animation-duration: 0s !important; transition-duration: 0s !important;
              scroll-behavior: auto !important;}
  }
"""


def apply(mode: str, accent: str, kiosk: bool) -> None:
    """Inject the CSS once per run; kiosk mode hides Streamlit's chrome and scales the type up."""
    v = MODES.get(mode, MODES["light"])
    scale = 1.25 if kiosk else 1.0
    chrome = (
        """
      header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
      [data-testid="stSidebarCollapsedControl"], footer {display: none !important;}
      .block-container {padding: calc(1.5 * var(--u)) calc(2.2 * var(--u)) 0 !important; max-width: 100% !important;}
      [data-testid="stVerticalBlock"] {gap: 0;}
      :root {--sp-chrome: calc(3 * var(--u));}
    """
        if kiosk
        else ""
    )
    st.markdown(
        f"""<style>
      :root {{--sp-bg:{v["bg"]}; --sp-panel:{v["panel"]}; --sp-ink:{v["ink"]}; --sp-muted:{v["muted"]};
              --sp-line:{v["line"]}; --sp-accent:{accent}; --sp-up:{v["up"]}; --sp-down:{v["down"]};
              --sp-link:{v["link"]}; --sp-scale:{scale};
              --u: min(1vh, .75vw); --sp-chrome: calc(3.75rem + 4 * var(--u));}}
      .block-container:has(.sp-screen) {{padding-top: calc(3.75rem + 1.5 * var(--u)); padding-bottom: 0;
        container-type: inline-size;}}
      {SCREEN_CSS}
      .stApp {{background: var(--sp-bg); color: var(--sp-ink);}}
      .stApp h1, .stApp h2, .stApp h3, .stApp p, .stApp label, .stApp li {{color: var(--sp-ink);}}
      /* Streamlit's own chrome in the page's colours, so the dark mode is dark everywhere */
      header[data-testid="stHeader"] {{background: var(--sp-bg);}}
      header[data-testid="stHeader"] button, header[data-testid="stHeader"] svg {{color: var(--sp-ink); fill: currentColor;}}
      [data-testid="stSidebar"] {{background: var(--sp-panel); border-right: 1px solid var(--sp-line);}}
      [data-testid="stSidebar"] span, [data-testid="stSidebar"] p, [data-testid="stSidebar"] label,
      [data-testid="stSidebar"] header, [data-testid="stSidebarNavSeparator"] {{color: var(--sp-ink) !important;}}
      [data-testid="stSidebarNavLink"]:hover, [data-testid="stSidebarNavLink"][aria-current="page"] {{
        background: var(--sp-line);}}
      [data-testid="stSelectbox"] [role="group"] {{background: var(--sp-panel) !important;
        border-color: var(--sp-muted) !important;}}
      [data-testid="stSelectbox"] input, [data-testid="stSelectbox"] button {{color: var(--sp-ink) !important;}}
      [role="listbox"], [role="option"] {{background: var(--sp-panel) !important; color: var(--sp-ink) !important;}}
      [data-testid="stExpandSidebarButton"] *, [data-testid="stMainMenu"] * {{color: var(--sp-ink) !important;}}
      [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{color: var(--sp-muted) !important;}}
      [data-testid="stPageLink"] a, [data-testid="stPageLink"] a * {{color: var(--sp-ink) !important;}}
      .stApp h1.sp-title, .stApp h2.sp-panel-title {{padding:0; color: var(--sp-ink); letter-spacing: normal;}}
      .stApp h1.sp-title {{font-size: calc(2.1rem * var(--sp-scale)); font-weight: 800; line-height:1.1;}}
      .stApp h2.sp-panel-title {{font-size: calc(1.35rem * var(--sp-scale)); font-weight: 750; margin:.6rem 0 .4rem;}}
      .sp-header {{display:flex; justify-content:space-between; align-items:baseline; gap:1rem;
                   border-bottom: 4px solid var(--sp-accent); padding-bottom:.3rem; margin-bottom:.6rem;}}
      .sp-title {{font-size: calc(2.1rem * var(--sp-scale)); font-weight: 800; line-height:1.1;}}
      .sp-sub {{font-size: calc(1.15rem * var(--sp-scale)); color: var(--sp-muted);}}
      .sp-nowline {{display:flex; gap:2rem; margin-left:auto; font-size: calc(1.1rem * var(--sp-scale)); line-height:1.25;}}
      .sp-clock {{font-size: calc(2.1rem * var(--sp-scale)); font-weight: 800; font-variant-numeric: tabular-nums;}}
      .sp-tiles {{display:grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap:.8rem; margin-bottom:.8rem;}}
      .sp-tile {{background: var(--sp-panel); border:1px solid var(--sp-line); border-radius: 14px; padding:.5rem .9rem;}}
      .sp-tile .v {{font-size: calc(2.6rem * var(--sp-scale)); font-weight: 800; line-height:1.05;
                   font-variant-numeric: tabular-nums; color: var(--sp-ink);}}
      .sp-tile .k {{font-size: calc(1rem * var(--sp-scale)); color: var(--sp-muted); text-transform: uppercase; letter-spacing:.04em;}}
      .sp-tile .d {{font-size: calc(1rem * var(--sp-scale)); color: var(--sp-muted);}}
      .sp-up {{color: var(--sp-up) !important;}} .sp-down {{color: var(--sp-down) !important;}}
      .sp-card {{display:flex; gap:.8rem; background: var(--sp-panel); border:1px solid var(--sp-line);
                 border-left: 6px solid var(--sp-accent); border-radius: 12px; padding:.7rem .9rem; margin-bottom:.6rem;
                 overflow:hidden; unicode-bidi: isolate;}}
      .sp-card .av {{width: calc(3rem * var(--sp-scale)); height: calc(3rem * var(--sp-scale)); border-radius:50%; flex:none;}}
      .sp-card .who {{font-weight:700; font-size: calc(1.05rem * var(--sp-scale));}}
      .sp-card .meta {{color: var(--sp-muted); font-size: calc(.9rem * var(--sp-scale));}}
      .sp-card .txt {{font-size: calc(1.15rem * var(--sp-scale)); line-height:1.35; overflow-wrap:anywhere;
                      display:-webkit-box; -webkit-line-clamp:3; -webkit-box-orient:vertical; overflow:hidden;
                      unicode-bidi: plaintext;}}
      .sp-card img.media {{max-height: calc(5rem * var(--sp-scale)); border-radius:8px; margin-top:.3rem;}}
      .sp-badge {{display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8em; font-weight:700;
                  color:white; background: var(--sp-accent); margin-left:.3rem;}}
      .sp-rank {{display:flex; align-items:center; gap:.6rem; padding:.35rem 0; border-bottom:1px solid var(--sp-line);
                 font-size: calc(1.1rem * var(--sp-scale));}}
      .sp-rank .av {{width: calc(2.2rem * var(--sp-scale)); height: calc(2.2rem * var(--sp-scale)); border-radius:50%;
                    flex:none;}}
      .sp-rank .n {{margin-left:auto; font-weight:800; font-variant-numeric: tabular-nums; text-align:right;}}
      .sp-rank .n small {{display:block; font-weight:400; line-height:1;}}
      .stMarkdown a {{color: var(--sp-link);}}
      .sp-open {{color: var(--sp-link) !important; text-decoration: underline; white-space: nowrap;}}
      .sp-card a:focus-visible, .sp-rank a:focus-visible {{outline: 3px solid var(--sp-link); outline-offset: 2px;}}
      .sp-note {{color: var(--sp-muted); font-size: calc(.95rem * var(--sp-scale));}}
      .sp-now {{background: var(--sp-panel); border:1px solid var(--sp-line); border-radius: 14px; padding:.7rem 1rem;
                font-size: calc(1.15rem * var(--sp-scale));}}
      .sp-chart {{font-size: calc(1.05rem * var(--sp-scale)); color: var(--sp-muted);}}
      .sp-legend {{display:flex; flex-wrap:wrap; gap:.3rem 1.3rem; margin-bottom:.5rem; color: var(--sp-ink);}}
      .sp-legend i {{display:inline-block; width:.9em; height:.9em; border-radius:3px; margin-right:.4em; vertical-align:-.1em;}}
      .sp-legend b {{font-variant-numeric: tabular-nums;}}
      .sp-plot {{position:relative; margin:.4rem 0 0 3.4em; border-bottom:2px solid var(--sp-muted); max-height:60vw;
                 min-height:10rem;}}
      .sp-plot svg {{position:absolute; inset:0; width:100%; height:100%; overflow:visible;}}
      .sp-plot .y {{position:absolute; left:-3.4em; width:2.9em; text-align:right; transform:translateY(50%);
                   font-variant-numeric: tabular-nums;}}
      .sp-xaxis {{position:relative; margin-left:3.4em; height:1.7em;}}
      .sp-xaxis span {{position:absolute; top:.25em; transform:translateX(-50%); white-space:nowrap;
                      font-variant-numeric: tabular-nums;}}
      .sp-split {{display:flex; height:1.6rem; border-radius:6px; overflow:hidden; background: var(--sp-line);}}
      .sp-topics {{padding-left:1.1rem; margin:.2rem 0 .8rem;}}
      .sp-bars {{display:grid; grid-template-columns: minmax(0, max-content) minmax(4rem, 1fr) auto; gap:.55rem .8rem;
                align-items:center; font-size: calc(1.1rem * var(--sp-scale));}}
      .sp-bars .name {{overflow:hidden; text-overflow:ellipsis; white-space:nowrap; max-width:16em;}}
      .sp-bars .track {{height:1.35em; border-radius:6px; background: var(--sp-line); overflow:hidden;}}
      .sp-bars .fill {{height:100%; border-radius:6px;}}
      .sp-bars .n {{font-weight:800; font-variant-numeric: tabular-nums; text-align:right; min-width:2.5em;}}
      {chrome}
      @media (max-width: 640px) {{  /* a phone: the same screen, scaled to fit a hand */
        :root {{--sp-scale: .9;}}
        .block-container {{padding-left: 1rem !important; padding-right: 1rem !important;}}
        .stApp h1.sp-title {{font-size: 1.6rem;}} .sp-clock {{font-size: 1.5rem;}}
        .sp-tiles {{grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem;}}
        .sp-tile .v {{font-size: 1.8rem;}}
      }}
    </style>""",
        unsafe_allow_html=True,
    )
