"""The look: high-contrast light and dark themes and large type for a projector."""

from __future__ import annotations

import streamlit as st

_VARS = {
    "light": {"bg": "#f8fafc", "panel": "#ffffff", "ink": "#0f172a", "muted": "#475569", "line": "#e2e8f0"},
    "dark": {"bg": "#0b1120", "panel": "#111a2e", "ink": "#f1f5f9", "muted": "#cbd5e1", "line": "#1e293b"},
}


def apply(mode: str, accent: str, kiosk: bool) -> None:
    """Inject the CSS once per run; kiosk mode hides Streamlit's chrome and scales the type up."""
    v = _VARS.get(mode, _VARS["light"])
    scale = 1.25 if kiosk else 1.0
    chrome = (
        """
      header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
      [data-testid="stSidebarCollapsedControl"], footer {display: none !important;}
      .block-container {padding: .8rem 2.2rem 0 2.2rem !important; max-width: 100% !important;}
      [data-testid="stVerticalBlock"] {gap: .5rem;}
    """
        if kiosk
        else ""
    )
    st.markdown(
        f"""<style>
      :root {{--sp-bg:{v["bg"]}; --sp-panel:{v["panel"]}; --sp-ink:{v["ink"]}; --sp-muted:{v["muted"]};
              --sp-line:{v["line"]}; --sp-accent:{accent}; --sp-scale:{scale};}}
      .stApp {{background: var(--sp-bg); color: var(--sp-ink);}}
      .stApp h1, .stApp h2, .stApp h3, .stApp p, .stApp label, .stApp li {{color: var(--sp-ink);}}
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
      .sp-up {{color:#15803d !important;}} .sp-down {{color:#b91c1c !important;}}
      .sp-panel-title {{font-size: calc(1.35rem * var(--sp-scale)); font-weight: 750; margin:.2rem 0 .4rem;}}
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
      .sp-bars {{display:grid; grid-template-columns: minmax(0, max-content) minmax(4rem, 1fr) auto; gap:.55rem .8rem;
                align-items:center; font-size: calc(1.1rem * var(--sp-scale));}}
      .sp-bars .name {{overflow:hidden; text-overflow:ellipsis; white-space:nowrap; max-width:16em;}}
      .sp-bars .track {{height:1.35em; border-radius:6px; background: var(--sp-line); overflow:hidden;}}
      .sp-bars .fill {{height:100%; border-radius:6px;}}
      .sp-bars .n {{font-weight:800; font-variant-numeric: tabular-nums; text-align:right; min-width:2.5em;}}
      {chrome}
      @media (max-width: 640px) {{  /* a phone: the same screen, scaled to fit a hand */
        :root {{--sp-scale: .8;}}
        .block-container {{padding-left: 1rem !important; padding-right: 1rem !important;}}
        .sp-title {{font-size: 1.5rem;}} .sp-clock {{font-size: 1.5rem;}}
        .sp-tiles {{grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem;}}
        .sp-tile .v {{font-size: 1.8rem;}}
      }}
    </style>""",
        unsafe_allow_html=True,
    )
