"""Say where you are (public): a pre-filled post on your own network with the event's tag and the in-room or
remote tag. ``?from=afar`` starts on remote; the live screen's QR code opens the in-room one."""

import streamlit as st

from summitpulse.ui import controls, data, say_so

controls.through_app()

config = data.config()
start = "afar" if st.query_params.get("from") == "afar" else "room"
where = st.segmented_control(
    "Where are you?",
    say_so.PLACES,
    default=start,
    format_func={"room": "In the room", "afar": "Following from afar"}.get,
)
where = where or start
tag = say_so.tag_of(config, where)
if tag is None:
    st.info("This event has no tag for that yet; organisers set it in the config (participation).")
    st.stop()
st.title("In the room? Say so" if where == "room" else "Following from afar? Say so")
st.write(
    f"One post with **{tag}** tells the organisers where you follow {config.event.name} from. "
    "Pick your network: it opens a post ready to send; edit it as you like, nothing is sent until you press Post."
)
text = st.text_area("Your post", say_so.message(config, where), max_chars=280)
if tag.casefold() not in text.casefold():
    st.warning(f"Keep {tag} in the post: it is what says where you are.")
links = say_so.intents(text)
x, bluesky = st.columns(2)
x.link_button("Post on X", links["x"], width="stretch")
bluesky.link_button("Post on Bluesky", links["bluesky"], width="stretch")
st.subheader("On Mastodon")
typed = st.text_input("Your Mastodon server", placeholder="mastodon.social")
if typed:
    server = say_so.mastodon_server(typed)
    if server is None:
        st.error("That is not a server's name: write it like mastodon.social (the part after the second @).")
    else:
        st.link_button(f"Post on {server}", say_so.mastodon_share(server, text), width="stretch")
